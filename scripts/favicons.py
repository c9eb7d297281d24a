#!/usr/bin/env python
"""Draw the PNG and ICO icons from static/loa/favicon.svg with the test suite's Chromium.

Usage (from the repository's root, after changing the SVG): .venv/bin/python scripts/favicons.py
Writes static/loa/favicon.ico (16, 32 and 48 px), favicon.png (32 px) and apple-touch-icon.png
(180 px, square corners: iOS rounds them itself).
"""

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "static" / "loa"


def draw(browser, svg, size):
    page = browser.new_page(viewport={"width": size, "height": size})
    sized = svg.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
    page.set_content(f'<html><body style="margin:0">{sized}</body></html>')
    png = page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})
    page.close()
    return Image.open(io.BytesIO(png)).convert("RGBA")


def main():
    svg = (STATIC / "favicon.svg").read_text()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=["--no-sandbox"])
        icons = {size: draw(browser, svg, size) for size in (16, 32, 48)}
        touch = draw(browser, svg.replace('rx="5" ', ""), 180)
        browser.close()
    icons[48].save(STATIC / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)], append_images=[icons[16], icons[32]])
    icons[32].save(STATIC / "favicon.png", optimize=True)
    touch.save(STATIC / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
