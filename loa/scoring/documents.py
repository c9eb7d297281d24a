"""The classification's documents: the result announcement (THÔNG BÁO, Decree 30 layout, docx/pdf)
and a unit's one-page score sheet (pdf). The ranking itself goes out through the list exporter.

The documents are in Vietnamese whatever the reader's language: they are official papers."""

from django.utils import timezone

from loa.documents.model import BULLET, HEADING, Column, OfficialDocument, Paragraph, TableReport
from loa.scoring.rules import points_text

SIGNING = ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")


def _bodies(unit):
    parent = unit.parent
    superior = (parent.short_name or parent.name).upper() if parent else ""
    return superior, (unit.short_name or unit.name).upper()


def announcement(rubric, book, rows, *, signer_name=""):
    """rows: (unit name, total hundredths, level name) in ranking order."""
    superior, issuing = _bodies(rubric.unit)
    by_level = {}
    for name, total, level in rows:
        by_level.setdefault(level or "Chưa xếp loại", []).append((name, total))
    order = [lv.name for lv in book.levels] + [n for n in by_level if n not in {lv.name for lv in book.levels}]
    paragraphs = [
        (
            f"Căn cứ {rubric.name.strip()} năm {rubric.year}; căn cứ kết quả thực hiện nhiệm vụ công tác truyền thông "
            f"của các công đoàn cơ sở trực thuộc, Ban Thường vụ {rubric.unit.name} thông báo kết quả đánh giá, xếp loại "
            f"năm {rubric.year} như sau:"
        ),
    ]
    number = 0
    for level in order:
        units = by_level.get(level, [])
        if not units:
            continue
        number += 1
        paragraphs.append(Paragraph(f"{number}. {level}: {len(units)} đơn vị", kind=HEADING))
        for name, total in units:
            paragraphs.append(Paragraph(f"{name} ({_points(total)} điểm)", kind=BULLET))
    paragraphs.append(f"Tổng số: {len(rows)} công đoàn cơ sở được đánh giá, xếp loại.")
    paragraphs.append(
        "Đề nghị các công đoàn cơ sở căn cứ kết quả trên, phát huy những mặt đã làm được, khắc phục "
        "những hạn chế, thực hiện tốt công tác truyền thông trong năm tiếp theo./."
    )
    return OfficialDocument(
        superior_body=superior,
        issuing_body=issuing,
        number=f"/TB-{rubric.unit.code}",
        place=_place(rubric.unit),
        date=timezone.localdate(),
        kind_title="THÔNG BÁO",
        summary=f"Kết quả đánh giá, xếp loại công tác truyền thông\ncủa các công đoàn cơ sở năm {rubric.year}",
        paragraphs=paragraphs,
        recipients=["Các công đoàn cơ sở trực thuộc", "Lưu: VT"],
        signing_capacity=SIGNING,
        signer_name=signer_name,
    )


def _points(cp):
    """Points as the document prints them; a damaged stored figure (None) in Vietnamese whatever the reader's language."""
    return "không hợp lệ" if cp is None else points_text(cp)


def _place(unit):
    """The place in the date line: the last part of the unit's address ("…, Cao Bằng"), else none."""
    parts = [p.strip() for p in (unit.address or "").split(",") if p.strip()]
    return parts[-1].removeprefix("tỉnh ").removeprefix("Tỉnh ") if parts else ""


def _succession_note(evidence):
    """The units merged or split into this one during the year, as the sheet says it."""
    parts = "; ".join(
        f"{p.name}: {p.days} ngày, {p.total_points} điểm, "
        + (f"trọng số {p.weight_percent}" if p.counted else "không tính")
        for p in evidence.parts
    )
    if evidence.pro_rata:
        return f"Đơn vị sáp nhập, chia tách trong năm; điểm tính theo tỷ lệ số ngày hoạt động ({parts})."
    return f"Đơn vị sáp nhập, chia tách trong năm; đơn vị giữ điểm của chính mình ({parts})."


def score_sheet(rubric, unit, lines, result, *, frozen):
    """One page: the unit, each criterion with its maximum, reading and points, the total and level."""
    superior, issuing = _bodies(rubric.unit)
    rows = [
        [
            str(i),
            line.criterion.name + (" (thưởng)" if line.criterion.is_bonus else ""),
            _points(line.max_cp),
            line.reading,
            line.points + (" *" if line.adjusted else ""),
        ]
        for i, line in enumerate(lines, start=1)
    ]
    rows.append(
        [
            "",
            "TỔNG ĐIỂM",
            _points(sum(line.max_cp or 0 for line in lines if not line.criterion.is_bonus)),
            "",
            _points(result.total),
        ]
    )
    notes = [f"Xếp loại: {result.level.name if result.level else 'Chưa xếp loại'}."]
    if any(line.adjusted for line in lines):
        notes.append(
            "(*) Điểm đã được điều chỉnh: "
            + "; ".join(f"{line.criterion.code}: {line.adjusted}" for line in lines if line.adjusted)
            + "."
        )
    if result.succession is not None:
        notes.append(_succession_note(result.succession))
    notes.append("Kết quả đã chốt." if frozen else "Kết quả tạm tính theo số liệu đến ngày in.")
    return TableReport(
        title="PHIẾU ĐIỂM",
        subtitle=f"{unit.name} - năm {rubric.year}",
        columns=[
            Column("Stt", width=0.5, align="center"),
            Column("Tiêu chí", width=4),
            Column("Điểm tối đa", width=1, align="center"),
            Column("Kết quả", width=1.6, align="center"),
            Column("Điểm", width=0.9, align="center"),
        ],
        rows=rows,
        superior_body=superior,
        issuing_body=issuing,
        place=_place(rubric.unit),
        date=timezone.localdate(),
        notes=notes,
        filename=f"Phiếu điểm {unit.code} năm {rubric.year}",
    )
