"""A one-sheet xlsx workbook written as a stream: the sheet's XML goes into the zip row by row.

The exports need little of a spreadsheet library: text, numbers, dates, bold title and header
rows, column widths and a frozen header. XlsxWriter (even in constant-memory mode) spent 12 µs a
cell checking and escaping through its general code: 9 s of the 11 s a 130,000-row consolidated
report took under a profiler. Here a row is one f-string per cell, in the same XML XlsxWriter
wrote (inline strings, `<c r="A2" t="inlineStr">`), so that the file opens alike in Excel,
LibreOffice and openpyxl.
"""

import math
import zipfile
from datetime import date, datetime

from xlsxwriter.utility import _datetime_to_excel_datetime, xl_col_to_name

# Excel's limit for the text of one cell.
MAX_CELL_CHARS = 32_767
# Rows joined before each write into the zip.
ROWS_PER_WRITE = 500
# A number that is not finite as a formula Excel shows as an error.
_NOT_FINITE = {"nan": ("#NUM!", "#NUM!"), True: ("1/0", "#DIV/0!"), False: ("-1/0", "#DIV/0!")}
# Styles (cellXfs) of `STYLES`: 0 plain, 1 bold, 2 date, 3 date and time.
BOLD, DATE, DATETIME = 1, 2, 3

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    _XML + f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
)
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'


def _styles(date_format, datetime_format):
    return (
        _XML + f'<styleSheet xmlns="{_MAIN}">'
        f'<numFmts count="2"><numFmt numFmtId="164" formatCode="{escape(date_format)}"/>'
        f'<numFmt numFmtId="165" formatCode="{escape(datetime_format)}"/></numFmts>'
        f'<fonts count="2"><font>{_FONT}</font><font><b/>{_FONT}</font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
        '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )


def escape(text):
    """Text for XML content or a double-quoted attribute."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if '"' in text:
        text = text.replace('"', "&quot;")
    return text


def _column_width(chars):
    """A width in characters as Excel stores it (Calibri 11: 7-pixel digits, 5 pixels of padding),
    the same figure XlsxWriter's set_column writes."""
    pixels = int(chars * 7 + 0.5) + 5 if chars >= 1 else int(chars * 12 + 0.5)
    return f"{(pixels * 256 // 7) / 256.0:.16g}"


class SheetWriter:
    """Write rows of plain values (str, int, float, Decimal, date, datetime, None) into one sheet.

    Use as a context manager: the zip is finished when the block ends. Strings arrive already
    cleaned of what XML refuses (`loa.core.controls.writable_text`); datetimes naive.
    """

    def __init__(self, fileobj, *, sheet_title, widths, freeze_rows=0, date_format, datetime_format):
        self._zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._zip.writestr("[Content_Types].xml", _TYPES)
        self._zip.writestr("_rels/.rels", _ROOT_RELS)
        self._zip.writestr(
            "xl/workbook.xml",
            _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            f'<sheet name="{escape(sheet_title)}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        self._zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        self._zip.writestr("xl/styles.xml", _styles(date_format, datetime_format))
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        if freeze_rows:
            pane = (
                f'<pane ySplit="{freeze_rows}" topLeftCell="A{freeze_rows + 1}" activePane="bottomLeft"'
                ' state="frozen"/><selection pane="bottomLeft"/>'
            )
        else:
            pane = ""
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{_column_width(w)}" customWidth="1"/>' for i, w in enumerate(widths, 1)
        )
        self._put(
            _XML + f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<sheetViews><sheetView tabSelected="1" workbookViewId="0">{pane}</sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>' + (f"<cols>{cols}</cols>" if cols else "") + "<sheetData>"
        )
        self._letters = [xl_col_to_name(i) for i in range(len(widths))]
        self._pending = []

    def _put(self, text):
        self._sheet.write(text.encode("utf-8"))

    def row(self, r, values, style=0):
        """Row `r` (0-based) of `values`; None and "" leave their cell empty. `style` BOLD for a
        title or header row."""
        n = r + 1
        s = f' s="{style}"' if style else ""
        letters = self._letters
        if len(values) > len(letters):
            letters.extend(xl_col_to_name(i) for i in range(len(letters), len(values)))
        cells = []
        for c, value in enumerate(values):
            if type(value) is str:  # nearly every cell: one f-string
                if value:
                    if len(value) > MAX_CELL_CHARS:
                        value = value[:MAX_CELL_CHARS]
                    space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                    cells.append(f'<c r="{letters[c]}{n}"{s} t="inlineStr"><is><t{space}>{escape(value)}</t></is></c>')
            elif value is not None:
                cells.append(_other_cell(f"{letters[c]}{n}", s, value))
        self._pending.append(f'<row r="{n}">{"".join(cells)}</row>')
        if len(self._pending) >= ROWS_PER_WRITE:
            self._flush()

    def _flush(self):
        self._put("".join(self._pending))
        self._pending.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._flush()
        self._put(
            '</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
        )
        self._put("</worksheet>")
        self._sheet.close()
        self._zip.close()


def _other_cell(ref, style, value):
    """A cell of a date, a time, a number, or text of a str subclass."""
    if isinstance(value, datetime):
        return f'<c r="{ref}" s="{DATETIME}"><v>{_datetime_to_excel_datetime(value, False, True):.16G}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="{DATE}"><v>{_datetime_to_excel_datetime(value, False, True):.16G}</v></c>'
    if isinstance(value, str):
        text = str(value)[:MAX_CELL_CHARS]
        if not text:
            return ""
        space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
        return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    number = float(value)
    if math.isfinite(number):
        return f'<c r="{ref}"{style}><v>{number:.16G}</v></c>'
    # A NaN or an infinity (a damaged stored number): an error, as XlsxWriter wrote it.
    formula, shown = _NOT_FINITE["nan" if math.isnan(number) else number > 0]
    return f'<c r="{ref}"{style} t="e"><f>{formula}</f><v>{shown}</v></c>'
