"""Pages "photographed" by the tests: a clean page image made to look like a phone photo or a scan.

A phone photo of a paper form is rotated a little, taken at an angle (a perspective warp), lit
unevenly, a little blurred, noisy and saved as a compressed JPEG; a phone held sideways gives a
picture turned by 90°. Only Pillow: the OCR tests build every picture they read from a real form.
"""

import io
import random
import subprocess

from PIL import Image, ImageChops, ImageFilter


def rasterise(pdf, *, dpi=200, first=1, last=1):
    """The PDF's pages from `first` to `last` as greyscale Pillow images, rendered by pdftoppm."""
    pages = []
    for number in range(first, last + 1):
        png = subprocess.run(
            ["pdftoppm", "-gray", "-png", "-r", str(dpi), "-f", str(number), "-l", str(number), "-"],
            input=pdf,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        pages.append(Image.open(io.BytesIO(png)).convert("L"))
    return pages


def _solve(matrix, vector):
    """Gaussian elimination with partial pivoting, for the 8 × 8 system of a perspective warp."""
    n = len(vector)
    rows = [list(matrix[i]) + [vector[i]] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col])]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def perspective_coefficients(source, target):
    """Pillow's PERSPECTIVE data that maps each point of `target` (the output) to `source` (the input)."""
    matrix, vector = [], []
    for (x, y), (u, v) in zip(target, source):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        vector += [u, v]
    return _solve(matrix, vector)


def photograph(page, *, angle=0.0, tilt=0.0, turn=0, blur=0.0, noise=0.0, shade=0.0, quality=80, margin=0.06, seed=1):
    """JPEG bytes of `page` (a Pillow image) as a phone would take it.

    angle: degrees the paper is turned on the table; tilt: how much nearer the camera is to the bottom
    edge than to the top (0.05 = the top edge looks 10 % narrower); turn: 90 or 270 for a phone held
    sideways (the picture's pixels turned, no EXIF to undo it); blur: a Gaussian radius in pixels;
    noise: the grain's standard deviation; shade: how much darker the darkest corner is (0..1).
    """
    rng = random.Random(seed)
    image = page.convert("L")
    width, height = image.size
    pad_x, pad_y = int(width * margin), int(height * margin)
    desk = Image.new("L", (width + 2 * pad_x, height + 2 * pad_y), 150)  # the table under the paper
    desk.paste(image, (pad_x, pad_y))
    image = desk
    if tilt:
        w, h = image.size
        inset = w * tilt
        corners = [(0, 0), (w, 0), (w, h), (0, h)]
        seen = [(inset, h * tilt / 2), (w - inset, h * tilt / 2), (w, h), (0, h)]
        image = image.transform(
            (w, h),
            Image.Transform.PERSPECTIVE,
            perspective_coefficients(corners, seen),
            Image.Resampling.BICUBIC,
            fillcolor=150,
        )
    if angle:
        image = image.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=150)
    if shade:
        gradient = Image.linear_gradient("L").rotate(rng.choice([30, 120, 210, 300]), expand=False)
        gradient = gradient.resize(image.size).point(lambda v: 255 - int(v * shade))
        image = ImageChops.multiply(image, gradient)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        image = ImageChops.add(image, grain(image.size, noise, rng), scale=1, offset=-128)
    if turn:
        image = image.rotate(turn, expand=True)
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def grain(size, sigma, rng):
    """Noise centred on 128 with about `sigma` as its spread, the same for the same `rng` (Pillow's
    effect_noise draws from C's rand(), which a test cannot seed)."""
    width, height = size
    spread = sigma * 3**0.5 / 127.5  # uniform noise of this half-width has a standard deviation of sigma
    return Image.frombytes("L", size, rng.randbytes(width * height)).point(lambda v: 128 + round((v - 127.5) * spread))


def png_bytes(image):
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf_of_images(images, *, dpi=150):
    """A "scanned" PDF: one JPEG picture per page, as a scanner app writes it."""
    out = io.BytesIO()
    pages = [image.convert("RGB") for image in images]
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:], quality=75)
    return out.getvalue()
