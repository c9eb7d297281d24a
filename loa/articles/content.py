"""What a submission is made of: sanitised text and a docx taken apart (photos: loa.core.images)."""

import html
import re

import nh3
from django.core.files.uploadedfile import SimpleUploadedFile

from loa.core.readers import read_docx as read_word_file

# The only markup a piece keeps: what a news text needs, no script, no style, no event handler.
ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_BLOCK_END = re.compile(r"</(p|h2|h3|h4|li|blockquote)>|<br\s*/?>", re.IGNORECASE)


def sanitize_html(text):
    return nh3.clean(
        text or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def paragraphs_to_html(text):
    """Plain text as typed on a phone: blank-line or line separated paragraphs."""
    paras = [p.strip() for p in re.split(r"\n\s*\n|\r?\n", text or "") if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paras)


def html_to_text(body):
    """The plain paragraphs of sanitised HTML (for the edit box, the diff and the search)."""
    text = _BLOCK_END.sub("\n\n", body or "")
    text = html.unescape(_TAG.sub("", text))
    return "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())


def body_from_input(raw):
    """(html, text) from what the officer typed or pasted: HTML is sanitised, plain text becomes paragraphs."""
    raw = (raw or "").strip()
    body = sanitize_html(raw) if _TAG.search(raw) else paragraphs_to_html(raw)
    body = sanitize_html(body)
    return body, html_to_text(body)


def read_docx(upload):
    """(title, html, [image files]) from a Word file, read in the sandbox: its paragraphs (headings
    kept) and its pictures."""
    document = read_word_file(upload, images=True)
    title, parts = "", []
    for block in document["blocks"]:
        text = block.get("text", "").strip()
        if not text:
            continue  # an empty paragraph, or a table (a piece's text is its paragraphs)
        style = block["style"].lower()
        if not title and style.startswith(("title", "heading")):
            title = text
            continue
        tag = "h3" if style.startswith("heading") else "p"
        parts.append(f"<{tag}>{html.escape(text)}</{tag}>")
    if not title and parts:
        first = html_to_text(parts[0])
        if len(first) <= 200:
            title, parts = first, parts[1:]
    images = [SimpleUploadedFile(image["name"], image["data"]) for image in document["images"]]
    return title[:300], sanitize_html("".join(parts)), images
