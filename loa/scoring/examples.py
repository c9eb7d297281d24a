"""Ready-made rubrics, as data: the 2021 rubric of the seed letter (the demo) and the shape of the
VGCL guidance 1294/HD-TLĐ (CĐCS scored out of 100, propaganda work one capped group among others
entered by hand). Both go through the services, so they are validated and audited like any other."""

from decimal import Decimal

from loa.scoring import services

LEVELS = [
    ("Hoàn thành xuất sắc nhiệm vụ", Decimal(90), Decimal("0.5")),
    ("Hoàn thành tốt nhiệm vụ", Decimal(75), None),
    ("Hoàn thành nhiệm vụ", Decimal(50), None),
    ("Không hoàn thành nhiệm vụ", Decimal(0), None),
]

LETTER_2021 = [
    # code, name, group, max, measure, rule, params, bonus
    (
        "F1",
        "Báo cáo thành lập Trang Fanpage đúng hạn (trước 30/4/2021)",
        "Trang Fanpage của CĐCS",
        15,
        "fanpage_report",
        "timeliness",
        {"on_time": 1, "late": 0.5, "missing": 0},
        False,
    ),
    (
        "F2",
        "Đăng, chia sẻ thông tin hằng ngày trên Fanpage (tỷ lệ ngày có đăng bài)",
        "Trang Fanpage của CĐCS",
        30,
        "posting_days",
        "proportional",
        {"target": 0.8},
        False,
    ),
    (
        "T1",
        "Hoàn thành chỉ tiêu tin theo Thông báo 812/TB-CĐVC",
        "Tin, bài trên các kênh",
        20,
        "news_quota",
        "proportional",
        {"target": 1},
        False,
    ),
    (
        "T2",
        "Hoàn thành chỉ tiêu bài theo Thông báo 812/TB-CĐVC",
        "Tin, bài trên các kênh",
        20,
        "article_quota",
        "proportional",
        {"target": 1},
        False,
    ),
    (
        "L1",
        "Tỷ lệ đoàn viên bấm “Thích” Trang Fanpage Công đoàn Cao Bằng",
        "Lượt Thích",
        15,
        "like_rate",
        "thresholds",
        {"steps": [[0.9, 15], [0.7, 10], [0.5, 6], [0.3, 3]]},
        False,
    ),
    (
        "B1",
        "Tin, bài vượt chỉ tiêu (0,5 điểm mỗi tin, bài)",
        "Điểm thưởng",
        4,
        "over_quota",
        "proportional",
        {"target": 8},
        True,
    ),
    ("B2", "Bài chuyên sâu (1 điểm mỗi bài)", "Điểm thưởng", 3, "in_depth", "proportional", {"target": 3}, True),
    (
        "B3",
        "Tin, bài về gương người tốt, việc tốt, điển hình tiêu biểu, mô hình sáng tạo (1 điểm mỗi tin, bài)",
        "Điểm thưởng",
        3,
        "exemplary",
        "proportional",
        {"target": 3},
        True,
    ),
]

# With daily sharing (loa/sharing): the letter's "đăng, chia sẻ thông tin hằng ngày" weighs the
# posting days and the official information shared on time, 20 and 10 of F2's 30 points.
SHARING_2021 = [
    (
        "F2",
        "Đăng thông tin hằng ngày trên Fanpage (tỷ lệ ngày có đăng bài)",
        "Trang Fanpage của CĐCS",
        20,
        "posting_days",
        "proportional",
        {"target": 0.8},
        False,
    ),
    (
        "F3",
        "Chia sẻ thông tin chính thống hằng ngày (tỷ lệ tin được giao đã chia sẻ đúng hạn)",
        "Trang Fanpage của CĐCS",
        10,
        "share_rate",
        "proportional",
        {"target": 0.8},
        False,
    ),
]


def with_sharing(criteria):
    """The 2021 rubric's criteria with F2 split into posting days and shared official information."""
    out = []
    for row in criteria:
        out.extend(SHARING_2021 if row[0] == "F2" else [row])
    return out


GUIDANCE_1294 = [
    (
        "1",
        "Công tác đại diện, bảo vệ quyền, lợi ích hợp pháp, chính đáng của đoàn viên",
        "Đại diện, bảo vệ",
        30,
        "",
        "manual",
        {},
        False,
    ),
    (
        "2",
        "Công tác tuyên truyền: Trang Fanpage đúng hạn",
        "Công tác tuyên truyền",
        3,
        "fanpage_report",
        "timeliness",
        {},
        False,
    ),
    (
        "3",
        "Công tác tuyên truyền: đăng bài hằng ngày",
        "Công tác tuyên truyền",
        4,
        "posting_days",
        "proportional",
        {"target": 0.8},
        False,
    ),
    (
        "4",
        "Công tác tuyên truyền: chỉ tiêu tin, bài",
        "Công tác tuyên truyền",
        4,
        "article_quota",
        "proportional",
        {"target": 1},
        False,
    ),
    ("5", "Công tác phát triển đoàn viên, xây dựng tổ chức công đoàn", "Xây dựng tổ chức", 30, "", "manual", {}, False),
    ("6", "Công tác tài chính công đoàn", "Tài chính", 20, "", "manual", {}, False),
    ("7", "Phối hợp tổ chức phong trào thi đua, hoạt động xã hội", "Phong trào", 10, "", "manual", {}, False),
]


def create(*, by, year, unit, name, criteria, levels=LEVELS, bonus_cap=Decimal(0), group_caps=None, note=""):
    rubric = services.rubric_create(
        by=by, year=year, unit=unit, name=name, bonus_cap=bonus_cap, group_caps=group_caps or {}, note=note
    )
    for order, (code, cname, group, max_points, measure, rule, params, bonus) in enumerate(criteria, start=1):
        services.criterion_save(
            by=by,
            rubric=rubric,
            code=code,
            name=cname,
            group=group,
            order=order,
            max_points=Decimal(max_points),
            measure=measure,
            rule=rule,
            params=params,
            is_bonus=bonus,
        )
    for lname, min_total, share in levels:
        services.level_save(by=by, rubric=rubric, name=lname, min_total=min_total, min_share_each=share)
    return rubric


def letter_2021(*, by, unit, year=2021, deadline="30/4/2021", sharing=False):
    """The seed letter's rubric for `year`; `deadline` is what F1 names after "trước" (the letter's
    deadline that year: "30/4/2021", "ngày 14/12/2026"); with `sharing`, F2's points are shared with
    F3, the official information shared on time (`with_sharing`)."""
    rows = with_sharing(LETTER_2021) if sharing else LETTER_2021
    criteria = [(code, name.replace("30/4/2021", deadline), *rest) for code, name, *rest in rows]
    return create(
        by=by,
        year=year,
        unit=unit,
        name="Tiêu chí đánh giá công tác truyền thông của CĐCS",
        criteria=criteria,
        bonus_cap=Decimal(10),
        note=f"Theo Công văn của Ban Thường vụ CĐVC tỉnh về đẩy mạnh công tác truyền thông ({year}) và Thông báo "
        f"812/TB-CĐVC giao chỉ tiêu tin, bài năm {year}: một trong những căn cứ đánh giá, xếp loại CĐCS.",
    )


def guidance_1294(*, by, unit, year):
    """CĐCS out of 100 as in 1294/HD-TLĐ: propaganda work (capped at 10) read from Loa's data, the
    other groups entered by hand through adjustments."""
    return create(
        by=by,
        year=year,
        unit=unit,
        name="Đánh giá, xếp loại CĐCS theo Hướng dẫn 1294/HD-TLĐ",
        criteria=GUIDANCE_1294,
        group_caps={"Công tác tuyên truyền": "10"},
    )
