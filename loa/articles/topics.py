"""The topics the 2021 letter names, as data an admin may change afterwards."""

DEFAULT_TOPICS = [
    ("chuyen-sau", "Bài chuyên sâu", True, False),
    ("guong-nguoi-tot", "Gương người tốt, việc tốt", False, True),
    ("dien-hinh", "Điển hình tiêu biểu", False, True),
    ("mo-hinh-sang-tao", "Mô hình sáng tạo, hiệu quả", False, True),
    ("chinh-sach-phap-luat", "Chính sách, pháp luật", False, False),
    ("hoat-dong-cong-doan", "Hoạt động công đoàn", False, False),
]


def ensure_default_topics(Topic=None):
    """Create the letter's topics that are missing (a migration passes its historical model)."""
    if Topic is None:
        from loa.articles.models import Topic
    for order, (code, name, in_depth, exemplary) in enumerate(DEFAULT_TOPICS, start=1):
        Topic.objects.get_or_create(
            code=code, defaults={"name": name, "in_depth": in_depth, "exemplary": exemplary, "order": order}
        )
