"""The topics the 2021 letter names, as data an admin may change."""

from django.db import migrations

TOPICS = [
    ("chuyen-sau", "Bài chuyên sâu", True, False),
    ("guong-nguoi-tot", "Gương người tốt, việc tốt", False, True),
    ("dien-hinh", "Điển hình tiêu biểu", False, True),
    ("mo-hinh-sang-tao", "Mô hình sáng tạo, hiệu quả", False, True),
    ("chinh-sach-phap-luat", "Chính sách, pháp luật", False, False),
    ("hoat-dong-cong-doan", "Hoạt động công đoàn", False, False),
]


def create(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    for order, (code, name, in_depth, exemplary) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "in_depth": in_depth, "exemplary": exemplary, "order": order})


class Migration(migrations.Migration):
    dependencies = [("articles", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
