"""The seed letter (shared/seed/000_*.txt) as an OfficialDocument, for tests and the demo.

The letter's text is kept word for word. Its number and date are not in the seed text: the number
below is illustrative ("Số: 45/CĐVC"), the date is chosen before the report deadline of 30/4/2021.
One typo of the form's example is corrected ("Công đoàn sơ sở" -> "Công đoàn cơ sở").
"""

import datetime

from loa.documents.model import BULLET, HEADING, Column, FormAttachment, OfficialDocument, Paragraph, TableReport

SUPERIOR_BODY = "LĐLĐ TỈNH CAO BẰNG"
ISSUING_BODY = "CÔNG ĐOÀN VIÊN CHỨC TỈNH"
PLACE = "Cao Bằng"

FANPAGE_FORM_SUBTITLE = "Kết quả thành lập Trang Fanpage Công đoàn cơ sở"


def fanpage_form_columns():
    """The five columns of the seed's report form."""
    return [
        Column("Stt", width=0.55, align="center"),
        Column("Tên Trang Fanpage", note="(Ví dụ: Công đoàn cơ sở Văn phòng Tỉnh ủy Cao Bằng)", width=2.3),
        Column("Người quản trị", width=1.35),
        Column("Số điện thoại người quản trị", width=1.35, align="center"),
        Column("Ghi chú", width=0.9),
    ]


def consolidated_report_columns():
    """The consolidated report's columns: the form's, with the unit's official name beside its Page's,
    and no filling hint in a header (the hint is for the unit filling the blank form, not for the
    office's report)."""
    return [
        Column("Stt", width=0.5, align="center"),
        Column("Tên Công đoàn cơ sở", width=1.75),
        Column("Tên Trang Fanpage", width=1.75),
        Column("Người quản trị", width=1.15),
        Column("Số điện thoại người quản trị", width=1.15, align="center"),
        Column("Ghi chú", width=0.8),
    ]


def fanpage_form(rows=None, unit_name="", signer_name=""):
    return FormAttachment(
        title="BIỂU MẪU BÁO CÁO",
        subtitle=FANPAGE_FORM_SUBTITLE,
        columns=fanpage_form_columns(),
        rows=rows if rows is not None else [["01", "", "", "", ""]],
        signature_capacity=("TM. BAN CHẤP HÀNH",),
        signer_name=signer_name,
        unit_name=unit_name,
    )


def seed_letter():
    return OfficialDocument(
        superior_body=SUPERIOR_BODY,
        issuing_body=ISSUING_BODY,
        number="45/CĐVC",
        place=PLACE,
        date=datetime.date(2021, 4, 5),
        kind_title=None,
        summary=("V/v đẩy mạnh công tác truyền thông\ncủa tổ chức Công đoàn Cao Bằng\ntrên các kênh thông tin"),
        salutation="Kính gửi: Công đoàn cơ sở trực thuộc.",
        paragraphs=[
            Paragraph(
                "Nhằm đẩy mạnh công tác truyền thông của tổ chức Công đoàn trên các kênh thông tin đến đông đảo "
                "đoàn viên, công chức viên chức lao động (CCVCLĐ) về các hoạt động của Công đoàn toàn trong tỉnh "
                "Cao Bằng. Ban Thường vụ Công đoàn Viên chức (CĐVC) tỉnh đề nghị các Công đoàn cơ sở (CĐCS) "
                "thực hiện một số nội dung sau:"
            ),
            Paragraph("1. Đẩy mạnh thông tin tuyên truyền trên mạng xã hội Facebook", kind=HEADING),
            Paragraph(
                "Mỗi Công đoàn cơ sở lập 01 Trang Fanpage trên mạng xã hội Facebook, đồng thời hàng ngày chia sẻ, "
                "đăng tải các thông tin chính thống về chính sách, pháp luật, hoạt động công đoàn cấp mình, công "
                "đoàn các cấp trong tỉnh; báo cáo số liệu, tên cụ thể của Trang Fanpage do CĐCS thành lập trước "
                "ngày 30/4/2021 (theo biểu mẫu gửi kèm)."
            ),
            Paragraph(
                "2. Công tác tuyên truyền trên Trang Thông tin điện tử LĐLĐ tỉnh (http://ldld.caobang.gov.vn/), "
                "Công đoàn Viên chức Cao Bằng (http://cdvccaobang.vn) và Trang Fanpage Công đoàn Cao Bằng",
                kind=HEADING,
            ),
            Paragraph(
                "CĐCS thực hiện đảm bảo chỉ tiêu tin, bài đã giao của năm 2021 theo Thông báo số 812/TB-CĐVC "
                "ngày 22/02/2021 của CĐVC tỉnh về giao chỉ tiêu nhiệm vụ năm 2021. Khuyến khích các đơn vị gửi "
                "tin, bài nhiều hơn chỉ tiêu giao; tập trung vào bài viết chuyên sâu phản ánh toàn diện các mặt "
                "công tác của tổ chức Công đoàn và phản ánh các gương người tốt, việc tốt, gương điển hình tiêu "
                "biểu và các mô hình sáng tạo, hiệu quả trong công tác, lao động, sản xuất.",
                kind=BULLET,
            ),
            Paragraph(
                "Công đoàn cơ sở tuyên truyền, hướng dẫn mỗi đoàn viên, CCVCLĐ truy cập vào Trang Fanpage Công "
                "đoàn Cao Bằng và nhấn nút “Thích” để tăng sự tương tác, cập nhật thông tin, tình hình hoạt động "
                "của tổ chức Công đoàn Việt Nam và các cấp Công đoàn trong tỉnh Cao Bằng.",
                kind=BULLET,
            ),
            Paragraph(
                "Đây là một trong những căn cứ, tiêu chí đánh giá xếp loại CĐCS hằng năm. Ban Thường vụ CĐVC "
                "tỉnh đề nghị CĐCS căn cứ nội dung trên để triển khai thực hiện./."
            ),
        ],
        recipients=["Như kính gửi", "Lưu: CĐVC"],
        signing_capacity=("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
        signer_name="Ngọc Văn Phán",
        attachments=[fanpage_form()],
    )


def consolidated_report(rows, date=None, number="/BC-CĐVC"):
    """The province's consolidated Fanpage report: one row per unit, its number left for the clerk
    unless given."""
    return TableReport(
        title="BÁO CÁO TỔNG HỢP",
        subtitle=FANPAGE_FORM_SUBTITLE,
        columns=consolidated_report_columns(),
        rows=rows,
        superior_body=SUPERIOR_BODY,
        issuing_body="CÔNG ĐOÀN VIÊN CHỨC TỈNH CAO BẰNG",
        number=number,
        place=PLACE,
        date=date,
        recipients=["LĐLĐ tỉnh Cao Bằng (để báo cáo)", "Lưu: VT, CĐVC"],
        signing_capacity=("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"),
        signer_name="Ngọc Văn Phán",
    )


def sample_rows(count):
    """`count` made-up rows for the consolidated report (tests, demo, timing)."""
    return [
        [
            f"{i:02d}",
            f"Công đoàn cơ sở Trường Tiểu học số {i} thành phố Cao Bằng",
            f"CĐCS Trường Tiểu học số {i}\nhttps://www.facebook.com/cdcs.th{i}",
            f"Nguyễn Thị Hằng {i}",
            f"0912 {i % 1000:03d} {i % 997:03d}",
            "Đã thành lập" if i % 3 else "",
        ]
        for i in range(1, count + 1)
    ]
