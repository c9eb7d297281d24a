"""The numbers of the layout (Decree 30/2020/NĐ-CP, Appendix I), shared by the Word and PDF renderers.

Lengths in millimetres, font sizes in points.
"""

PAGE_WIDTH, PAGE_HEIGHT = 210, 297  # A4 portrait
MARGIN_TOP = 20
MARGIN_BOTTOM = 20
MARGIN_LEFT = 30
MARGIN_RIGHT = 15
HEADER_DISTANCE = 10  # where the page number sits, inside the top margin


def text_width(landscape=False):
    return (PAGE_HEIGHT if landscape else PAGE_WIDTH) - MARGIN_LEFT - MARGIN_RIGHT


# The two header columns: the bodies on the left, the national name and motto on the right.
# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in bold 13 is 96 mm long and "CÔNG ĐOÀN VIÊN CHỨC TỈNH"
# 69 mm: together more than the 165 mm between the margins. As in the Decree's own Word templates,
# the header table reaches a little into the left margin (HEADER_SHIFT) and the right one.
HEADER_LEFT = 71
HEADER_RIGHT = 99
HEADER_SHIFT = 4
# The closing: "Nơi nhận" on the left, the signature block on the right.
CLOSING_LEFT = 80
CLOSING_RIGHT = text_width() - CLOSING_LEFT

FIRST_LINE_INDENT = 12.7  # 1.27 cm
PARAGRAPH_SPACING = 6  # pt after each body paragraph
LINE_SPACING = 1.15
SIGNATURE_SPACE = 24  # mm left blank for the signature and seal

SIZE_SUPERIOR = 13
SIZE_ISSUER = 13
SIZE_NATIONAL = 13
SIZE_MOTTO = 14
SIZE_NUMBER = 13
SIZE_DATE = 14
SIZE_SUMMARY_CV = 12  # "V/v …" of a công văn
SIZE_TITLE = 14
SIZE_BODY = 14
SIZE_RECIPIENTS_HEAD = 12
SIZE_RECIPIENTS = 11
SIZE_SIGNATURE = 14
SIZE_PAGE_NUMBER = 13
SIZE_TABLE = 12
SIZE_TABLE_NOTE = 11

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECIPIENTS_HEAD = "Nơi nhận:"
ISSUER_RULE_RATIO = 0.4  # the rule under the issuing body: 1/3 to 1/2 of its length
TITLE_RULE_RATIO = 0.33

PT_PER_MM = 72 / 25.4


def pt_to_mm(pt):
    return pt / PT_PER_MM


def column_widths(columns, total):
    """Each column's width in mm, in proportion to Column.width, filling `total`."""
    weights = [max(c.width, 0.1) for c in columns]
    return [total * w / sum(weights) for w in weights]
