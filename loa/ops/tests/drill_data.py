"""Data for the backup drill, made and checked in child processes (`manage.py shell -c`).

A union's real data in small: units under a province, an officer, a directive with an attached
file, a unit's report, an article with a photo. `check()` prints what a restore must bring back.
"""

import hashlib
import json

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

ATTACHMENT = b"%PDF-1.4\n% Loa drill: the directive's attached file\n%%EOF\n"


def create():
    from loa.accounts.models import Role, User
    from loa.articles import services as articles
    from loa.articles.tests.factories import jpeg_bytes
    from loa.directives import services as directives
    from loa.directives.models import Assignment, Attachment
    from loa.directives.tests.factories import GOOD_PAGE, fanpage_letter
    from loa.units.models import UnitKind
    from loa.units.services import unit_create

    kinds = {
        "province": UnitKind.objects.create(code="ldld-tinh", name="LĐLĐ tỉnh", order=1),
        "upper": UnitKind.objects.create(code="cd-cap-tren", name="Công đoàn cấp trên", order=2),
        "cdcs": UnitKind.objects.create(code="cdcs", name="Công đoàn cơ sở", is_grassroots=True, order=3),
    }
    province = unit_create(
        by=None, parent=None, kind=kinds["province"], code="LDLD", name="Liên đoàn Lao động tỉnh Cao Bằng"
    )
    upper = unit_create(by=None, parent=province, kind=kinds["upper"], code="CDVC", name="Công đoàn Viên chức tỉnh")
    a = unit_create(
        by=None, parent=upper, kind=kinds["cdcs"], code="CS-A", name="Công đoàn cơ sở Trường THPT Thành phố Cao Bằng"
    )
    b = unit_create(
        by=None, parent=upper, kind=kinds["cdcs"], code="CS-B", name="Công đoàn cơ sở Bệnh viện Đa khoa tỉnh"
    )
    officer = User.objects.create_user(username="canbo", password="drill-password-1", email="canbo@example.vn")
    Role.objects.create(user=officer, unit=a, role="officer")

    directive, task = fanpage_letter({"province": province, "upper": upper, "a": a, "b": b})
    attachment = Attachment(
        directive=directive, name="cong-van.pdf", content_type="application/pdf", size=len(ATTACHMENT)
    )
    attachment.file.save("cong-van.pdf", ContentFile(ATTACHMENT), save=False)
    attachment.save()
    directives.report_submit(by=officer, assignment=Assignment.objects.get(task=task, unit=a), data=GOOD_PAGE)

    piece = articles.submission_create(
        by=officer, unit=a, title="Hội thi cắm hoa 8/3", body="<p>Chào mừng ngày 8/3…</p>"
    )
    articles.submission_add_photo(by=officer, submission=piece, upload=SimpleUploadedFile("hoi-thi.jpg", jpeg_bytes()))


def check():
    from PIL import Image

    from loa.articles.models import Photo, Submission
    from loa.directives.models import Attachment, Report
    from loa.units.models import Unit
    from loa.units.search import uses_search_rows

    attachment = Attachment.objects.get()
    photo = Photo.objects.get()
    with photo.image.open("rb") as f:
        image = Image.open(f)
        image.load()
    report = Report.objects.select_related("assignment__unit").get()
    found = list(Unit.objects.search("truong thpt cao bang").values_list("code", flat=True))
    print(
        json.dumps(
            {
                "units": sorted(Unit.objects.values_list("code", flat=True)),
                "attachment_sha256": hashlib.sha256(attachment.file.open("rb").read()).hexdigest(),
                "report": [report.assignment.unit.code, report.data["name"]],
                "article": Submission.objects.get().title,
                "photo_size": list(image.size),
                "search": found,
                "search_rows": uses_search_rows(),
            },
            ensure_ascii=False,
        )
    )
