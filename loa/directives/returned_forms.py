"""Reading the Fanpage report form as units fill it by hand and e-mail it back (xlsx or docx).

A returned form is a grid of text: title rows, a header row naming the columns (worded loosely:
"Tên trang", "SĐT", "Người QT"…), data rows with blank rows between them, and a signature block.
`parse_form` turns a file into:

    {"rows": [{"row": 8, "name": …, "url": …, "admin_name": …, "admin_phone": …, "note": …}, …],
     "text": [every line of text outside the header row, for matching the file to its unit],
     "urls": [Facebook addresses found anywhere in the file],
     "header_row": 7, "where": "Sheet1", "kind": "xlsx" | "docx" | "",
     "error": "" | "no_table" | "refused" (+ "detail": why, in Vietnamese)}

It never raises for a badly filled form: what it cannot read is reported in `error` ("refused", with
the reason in `detail`). The file is read in the sandbox (loa/core/readers.py); only its plain text
comes back here.
"""

import re

from django.core.exceptions import ValidationError

from loa.core.facebook import find_urls
from loa.core.phones import split_phones
from loa.core.readers import read_office
from loa.core.text import fold

FIELDS = ("name", "url", "admin_name", "admin_phone", "note")

ANY_URL = re.compile(
    r"(?:https?://|www\.)[^\s,;\"'<>()\[\]]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|vn|net|org)(?:/[^\s,;\"'<>()\[\]]*)?",
    re.IGNORECASE,
)

# Header words, folded. Checked in this order: "Số điện thoại người quản trị" is the phone column,
# "Địa chỉ Trang" the address, whatever else they contain.
_HEADER_WORDS = [
    ("stt", re.compile(r"^(?:s\.?\s?t\.?\s?t|t\.?t|so tt|so thu tu|no)\.?$")),
    ("admin_phone", re.compile(r"dien thoai|\bsdt\b|\bs\.d\.t\b|\bso dt\b|\bdt\b|\bphone\b|\bmobile\b|\bdi dong\b")),
    ("url", re.compile(r"dia chi|\blink\b|\burl\b|duong dan|\bweb\b")),
    ("admin_name", re.compile(r"quan tri|\bqt\b|\bqtv\b|\badmin\b|nguoi phu trach")),
    ("note", re.compile(r"ghi chu|\bnote\b")),
    ("name", re.compile(r"\bten\b|fanpage|\btrang\b|\bpage\b")),
]
_COLUMN_NUMBERS = re.compile(r"^\(?\d{1,2}\)?$")
# Lines that end the table: the signature block and the place-and-date line.
_SIGNATURE = re.compile(
    r"^(?:tm\b|t/m\b|tm\.|ban chap hanh|chu tich|pho chu tich|nguoi lap|nguoi bao cao|xac nhan|noi nhan|"
    r"thu truong|ky ten|\(ky|.{0,40}\bngay\s*\.*\s*\d*\s*thang\b)"
)


def header_fields(cells):
    """{column index: field} for a row that looks like the form's header, else {}."""
    found = {}
    for index, cell in enumerate(cells):
        text = fold(cell)
        if not text or len(text) > 150:
            continue
        for field, pattern in _HEADER_WORDS:
            if pattern.search(text):
                if field not in found.values():
                    found[index] = field
                break
    fields = set(found.values()) - {"stt"}
    if len(fields) >= 3 or (len(fields) == 2 and "name" in fields):
        return found
    return {}


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = str(value)
        # A phone typed into a number cell loses its leading zero: 912345678.
        return "0" + text if len(text) in (9, 10) and text[0] in "35789" else text
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value).replace("\xa0", " ").strip()


# --- Reading the files -----------------------------------------------------------------------


def xlsx_grids(sheets):
    """[(sheet title, rows of cell texts)] from read_office's sheets, with merged cells resolved: a value
    merged across rows is repeated down the rows, a value merged across columns stays in its first
    column only."""
    grids = []
    for sheet in sheets:
        values = sheet["rows"]
        fill = {}
        for (first_row, first_col), (last_row, _last_col) in sheet["merged"]:
            if first_row < len(values) and first_col < len(values[first_row]):
                for row in range(first_row + 1, last_row + 1):
                    fill[(row, first_col)] = values[first_row][first_col]
        rows = [[_cell_text(fill.get((r, c), v)) for c, v in enumerate(row)] for r, row in enumerate(values)]
        grids.append((sheet["title"], rows))
    return grids


def docx_grids(document):
    """The document's text lines (headers, paragraphs, tables that are not the form) and its tables,
    each a list of rows of cell texts, from read_office's content of a Word file."""
    lines = list(document["headers"])
    tables = []
    for block in document["blocks"]:
        if "rows" in block:
            tables.append([[cell.replace("\xa0", " ").strip() for cell in row] for row in block["rows"]])
            lines.append(("table", len(tables) - 1))
        else:
            lines.append(block["text"])
    return lines + list(document["footers"]), tables


# --- From a grid to the form's rows ------------------------------------------------------------


def _has_phone(cells, mapping):
    return any(mapping.get(i) == "admin_phone" and len(re.sub(r"\D", "", c)) >= 9 for i, c in enumerate(cells))


def _find_header(rows):
    for index, cells in enumerate(rows):
        mapping = header_fields(cells)
        if mapping:
            return index, mapping
    return None, {}


def _split_url_out(text):
    """Take a Facebook address out of a cell that holds "Name (facebook.com/…)"."""
    urls = find_urls(text)
    rest = text
    for url in urls:
        rest = rest.replace(url, " ")
    rest = re.sub(r"\(\s*\)|\blink\s*:?\s*$|\bđịa chỉ\s*:?\s*$", " ", rest, flags=re.IGNORECASE)
    return urls, " ".join(rest.split()).strip(" -–:;,")


def _read_rows(rows, start, mapping):
    """The data rows under the header (1-based row numbers), and the text lines after the table."""
    records, after = [], []
    ended = False
    for offset, cells in enumerate(rows[start + 1 :], start=start + 2):
        texts = [c for c in cells if c]
        if ended:
            after += texts
            continue
        if not texts:
            continue
        joined = fold(" ".join(texts))
        if header_fields(cells):
            continue  # the header repeated (a second page, or a header spread over two rows)
        if all(_COLUMN_NUMBERS.match(t) for t in texts):
            continue  # the "(1) (2) (3)…" row under the header
        if _SIGNATURE.match(joined) and not _has_phone(cells, mapping):
            ended = True
            after += texts
            continue
        record = {field: "" for field in FIELDS}
        extra = []
        for index, cell in enumerate(cells):
            if not cell:
                continue
            field = mapping.get(index)
            if field == "stt":
                continue
            if field is None:
                extra.append(cell)  # a note written in a column of its own, left or right of the table
            elif record[field]:
                record[field] += " " + cell
            else:
                record[field] = cell
        if not any(record[f] for f in ("name", "url", "admin_name", "admin_phone")) and not any(
            find_urls(t) for t in [record["note"], *extra]
        ):
            if not records:
                note = " ".join(filter(None, [record["note"], *extra]))
                if note and not _SIGNATURE.match(fold(note)):
                    # Only a note ("the Page is still being set up"): the unit has no Page yet, and says why.
                    records.append({**record, "note": note, "row": offset, "no_page": True})
                continue
            pieces = [p for p in [record["note"], *extra] if p and p not in records[-1]["note"]]
            if pieces:
                # A line of notes under the last row belongs to it (a note merged down is already there).
                records[-1]["note"] = " ".join(filter(None, [records[-1]["note"], *pieces]))
            continue
        if records and records[-1].get("no_page"):
            # That note was a remark above the real row, not a unit without a Page: it joins the row's note.
            extra.insert(0, records.pop()["note"])
        if extra:
            record["note"] = " ".join(filter(None, [record["note"], *extra]))
        record["row"] = offset
        records.append(_tidy(record))
    return records, after


def _tidy(record):
    """Move a Facebook address found in the name or note into the address column."""
    for field in ("name", "note", "admin_name"):
        urls, rest = _split_url_out(record[field])
        if urls:
            if not record["url"]:
                record["url"] = urls[0]
            record[field] = rest
    if not record["url"]:
        for field in ("name", "note"):
            other = ANY_URL.search(record[field])
            if other:  # an address that is not Facebook's: keep it so that the preview says so
                record["url"] = other.group(0)
                record[field] = " ".join(record[field].replace(other.group(0), " ").split()).strip(" -–:;,()")
                break
    if record["url"] and not find_urls(record["url"]):
        # Someone wrote "Link: facebook.com/x" or a non-Facebook address: keep what they wrote.
        record["url"] = " ".join(record["url"].split())
    elif record["url"]:
        record["url"] = find_urls(record["url"])[0]
    record["admin_phone"] = "; ".join(split_phones(record["admin_phone"])) or record["admin_phone"]
    return record


def _from_grids(grids, extra_lines=()):
    """Pick the first grid with a header row and read it."""
    lines = [line for line in extra_lines if isinstance(line, str)]
    chosen = None
    for where, rows in grids:
        index, mapping = _find_header(rows)
        if mapping and chosen is None:
            chosen = (where, rows, index, mapping)
    result = {"rows": [], "text": [], "urls": [], "header_row": None, "where": "", "error": ""}
    if chosen is None:
        for _, rows in grids:
            lines += [c for row in rows for c in row if c]
        result["error"] = "no_table"
    else:
        where, rows, index, mapping = chosen
        records, after = _read_rows(rows, index, mapping)
        before = [c for row in rows[:index] for c in row if c]
        result.update(rows=records, header_row=index + 1, where=where)
        lines = before + lines + [r["name"] for r in records] + [r["note"] for r in records] + after
        for other_where, other_rows in grids:
            if other_where != where:
                lines += [c for row in other_rows for c in row if c]
    result["text"] = [" ".join(line.split()) for line in lines if line and line.strip()]
    found = []
    for text in result["text"] + [r["url"] for r in result["rows"]]:
        for url in find_urls(text):
            if url not in found:
                found.append(url)
    result["urls"] = found
    # No address in the table, but one somewhere in the file ("Link trang: fb.com/…"): use it.
    if len(result["rows"]) == 1 and not result["rows"][0]["url"] and len(found) == 1:
        result["rows"][0]["url"] = found[0]
    return result


def refused(exc):
    """What parse_form answers for a file the sandbox refused (`exc` says why, in Vietnamese)."""
    return {
        "rows": [],
        "text": [],
        "urls": [],
        "header_row": None,
        "where": "",
        "error": "refused",
        "detail": exc.messages[0],
        "kind": "",
    }


def parse_form(upload, *, name=None):
    """Read an uploaded returned form (xlsx or docx, a file or bytes) in the sandbox and parse it."""
    try:
        kind, content = read_office(upload, name=name)
    except ValidationError as exc:
        return refused(exc)
    if kind == "xlsx":
        parsed = _from_grids(xlsx_grids(content))
    else:
        lines, tables = docx_grids(content)
        grids = [(f"table {i + 1}", rows) for i, rows in enumerate(tables)]
        # Tables that are not the form (a header or signature laid out in a table) are text.
        parsed = _from_grids(grids, extra_lines=lines)
    return {**parsed, "kind": kind}
