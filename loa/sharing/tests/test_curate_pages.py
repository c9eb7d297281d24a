"""Curators' pages: an upper unit's editors and admins list, create, edit and retire its items to
share; everyone else gets 404."""

import io
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from loa.audit.models import AuditEntry
from loa.sharing import services
from loa.sharing.models import Item, Share
from loa.units.services import unit_create

TODAY = timezone.localdate


def _item(unit, **kwargs):
    today = TODAY()
    values = {
        "by": None,
        "unit": unit,
        "title": "Nghị quyết Đại hội Công đoàn tỉnh",
        "url": "https://congdoancaobang.vn/tin/nghi-quyet",
        "starts_on": today,
        "ends_on": today + timedelta(days=5),
    }
    values.update(kwargs)
    return services.item_create(**values)


def _form(**overrides):
    today = TODAY()
    data = {
        "title": "Luật Công đoàn 2024 có hiệu lực",
        "text": "Mời đoàn viên tìm hiểu Luật Công đoàn 2024.",
        "url": "https://congdoancaobang.vn/tin/luat-cong-doan",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=3)).isoformat(),
    }
    data.update(overrides)
    return data


def jpeg(size=(40, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def png_claiming(width, height):
    png = io.BytesIO()
    Image.new("L", (1, 1)).save(png, "PNG")
    data = bytearray(png.getvalue())
    data[16:24] = width.to_bytes(4, "big") + height.to_bytes(4, "big")
    data[29:33] = zlib.crc32(bytes(data[12:29])).to_bytes(4, "big")
    return bytes(data)


# --- who may curate --------------------------------------------------------------------------


def test_an_editor_creates_an_item_for_the_whole_subtree(tree, editor, login):
    client = login(editor)
    page = client.get(reverse("sharing:curate_new", args=[tree["upper"].pk]))
    assert page.status_code == 200
    assert "Thông tin chia sẻ mới" in page.content.decode()
    response = client.post(reverse("sharing:curate_new", args=[tree["upper"].pk]), _form())
    assert response.status_code == 302
    item = Item.objects.get()
    assert (item.unit, item.title, item.status, item.created_by) == (
        tree["upper"],
        "Luật Công đoàn 2024 có hiệu lực",
        Item.Status.ACTIVE,
        editor,
    )
    assert AuditEntry.objects.filter(action="sharing.item.created").count() == 1
    listing = client.get(response["Location"]).content.decode()
    assert "Luật Công đoàn 2024 có hiệu lực" in listing
    assert "mọi đơn vị trực thuộc" in listing


def test_the_menu_leads_curators_to_their_units_items(tree, editor, alice, login):
    client = login(editor)
    home = client.get(reverse("home")).content.decode()
    assert reverse("sharing:curate") in home
    response = client.get(reverse("sharing:curate"))
    assert response["Location"] == reverse("sharing:curate_list", args=[tree["upper"].pk])
    client = login(alice)
    assert reverse("sharing:curate") not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("sharing:curate")).status_code == 404


def test_a_province_admin_picks_a_unit_below(tree, admin, login):
    client = login(admin)
    assert client.get(reverse("sharing:curate"))["Location"] == reverse(
        "sharing:curate_list", args=[tree["province"].pk]
    )
    response = client.get(reverse("sharing:curate"), {"unit": tree["upper"].pk})
    assert response["Location"] == reverse("sharing:curate_list", args=[tree["upper"].pk])
    # A CĐCS shares; it does not curate.
    assert client.get(reverse("sharing:curate"), {"unit": tree["a"].pk}).status_code == 404
    assert client.get(reverse("sharing:curate_list", args=[tree["a"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob", "leader", "outsider"])
def test_anyone_else_gets_404_on_every_curators_page(tree, alice, bob, leader, other, login, who):
    item = _item(tree["upper"])
    user = {"alice": alice, "bob": bob, "leader": leader, "outsider": other["admin"]}[who]
    client = login(user)
    upper = tree["upper"].pk
    for method, url in [
        ("get", reverse("sharing:curate_list", args=[upper])),
        ("get", reverse("sharing:curate_new", args=[upper])),
        ("post", reverse("sharing:curate_new", args=[upper])),
        ("get", reverse("sharing:curate_edit", args=[item.pk])),
        ("post", reverse("sharing:curate_edit", args=[item.pk])),
        ("post", reverse("sharing:curate_retire", args=[item.pk])),
    ]:
        response = getattr(client, method)(url, _form(version=item.version) if method == "post" else None)
        assert response.status_code == 404, (who, url)
    item.refresh_from_db()
    assert item.status == Item.Status.ACTIVE and item.version == 1


def test_an_officer_of_a_cdcs_cannot_curate_even_its_own_unit(tree, alice, login):
    client = login(alice)
    assert client.get(reverse("sharing:curate_list", args=[tree["a"].pk])).status_code == 404
    assert client.post(reverse("sharing:curate_new", args=[tree["a"].pk]), _form()).status_code == 404
    assert not Item.objects.exists()


def test_an_editor_of_a_unit_does_not_curate_the_province(tree, editor, login):
    item = _item(tree["province"])
    client = login(editor)
    assert client.get(reverse("sharing:curate_list", args=[tree["province"].pk])).status_code == 404
    assert client.get(reverse("sharing:curate_edit", args=[item.pk])).status_code == 404


# --- the list --------------------------------------------------------------------------------


def test_the_list_shows_each_state_with_its_counts_and_the_shares_so_far(tree, editor, login):
    today = TODAY()
    now = _item(tree["upper"], title="Đang chia sẻ")
    _item(
        tree["upper"],
        title="Sắp tới",
        url="https://a.vn/1",
        starts_on=today + timedelta(days=2),
        ends_on=today + timedelta(days=4),
    )
    _item(tree["upper"], title="Chờ duyệt", url="https://a.vn/2", status=Item.Status.PENDING)
    gone = _item(tree["upper"], title="Đã thôi", url="https://a.vn/3")
    services.item_retire(by=None, item=gone)
    services.share_record(by=None, item=now, unit=tree["a"], kind=Share.Kind.DECLARED)
    services.share_record(by=None, item=now, unit=tree["b"], kind=Share.Kind.DECLARED)
    client = login(editor)
    url = reverse("sharing:curate_list", args=[tree["upper"].pk])
    page = client.get(url).content.decode()
    assert "Đang chia sẻ (1)" in page and "Sắp tới (1)" in page and "Chờ duyệt (1)" in page
    assert "Đã hết hạn hoặc đã dừng (1)" in page
    assert "2 đơn vị đã chia sẻ" in page
    assert reverse("sharing:public", args=["CDVC"]) in page and reverse("sharing:feed_entries") in page
    assert "Đã thôi" not in page.split('data-testid="items"')[1]
    for show, title in [("upcoming", "Sắp tới"), ("pending", "Chờ duyệt"), ("retired", "Đã thôi")]:
        items = client.get(url, {"show": show}).content.decode().split('data-testid="items"')[1]
        assert title in items, show
    assert client.get(url, {"show": "<script>"}).status_code == 200
    assert client.get(url, {"page": "abc"}).status_code == 200


def test_the_list_makes_the_same_number_of_queries_for_many_items_and_units(
    tree, kinds, editor, login, django_assert_max_num_queries
):
    client = login(editor)
    url = reverse("sharing:curate_list", args=[tree["upper"].pk])

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _item(tree["upper"], units=[tree["a"]])
    few = count()
    for n in range(12):
        unit = unit_create(by=None, parent=tree["upper"], kind=kinds["cdcs"], code=f"CS-{n}", name=f"CĐCS số {n}")
        item = _item(tree["upper"], url=f"https://a.vn/{n}", units=[unit, tree["b"]], kinds=[kinds["cdcs"]])
        services.share_record(by=None, item=item, unit=unit, kind=Share.Kind.DECLARED)
    assert count() == few
    with django_assert_max_num_queries(12):
        client.get(url)


# --- create: hostile input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("url", "javascript:alert(1)", "http"),
        ("url", "data:text/html,<b>x</b>", "http"),
        ("url", "ftp://congdoan.vn/a", "http"),
        ("title", "x" * 201, "200"),
        ("text", "x" * 2001, "2000"),
        ("url", "https://a.vn/" + "x" * 600, "500"),
        ("starts_on", "31/02/2026", "ngày"),
        ("ends_on", "99999-01-01", "ngày"),
        ("starts_on", "0001-01-01", "từ 2000 đến 2100"),
        ("ends_on", "2999-12-31", "từ 2000 đến 2100"),
        ("title", "Dòng một\nDòng hai", "ký tự điều khiển"),
        ("title", "", "bắt buộc"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(tree, editor, login, field, value, message):
    response = login(editor).post(reverse("sharing:curate_new", args=[tree["upper"].pk]), _form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Item.objects.exists()


def test_days_out_of_order_or_longer_than_a_year_are_refused(tree, editor, login):
    client = login(editor)
    url = reverse("sharing:curate_new", args=[tree["upper"].pk])
    today = TODAY()
    backwards = client.post(url, _form(ends_on=(today - timedelta(days=1)).isoformat()))
    assert backwards.status_code == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu" in backwards.content.decode()
    too_long = client.post(url, _form(ends_on=(today + timedelta(days=400)).isoformat()))
    assert too_long.status_code == 400
    assert "tối đa 366 ngày" in too_long.content.decode()
    past = client.post(url, _form(starts_on="2020-01-01", ends_on="2020-01-05"))
    assert past.status_code == 400
    assert "Ngày kết thúc này đã qua" in past.content.decode()
    assert not Item.objects.exists()


def test_control_characters_and_nul_are_removed_from_a_title(tree, editor, login):
    response = login(editor).post(
        reverse("sharing:curate_new", args=[tree["upper"].pk]), _form(title="Luật\x00 Công\x1b đoàn")
    )
    assert response.status_code == 302
    assert Item.objects.get().title == "Luật Công đoàn"


def test_a_double_submit_creates_one_item(tree, editor, login):
    client = login(editor)
    url = reverse("sharing:curate_new", args=[tree["upper"].pk])
    assert client.post(url, _form()).status_code == 302
    again = client.post(url, _form())
    assert again.status_code == 400
    page = again.content.decode()
    assert "Liên kết này đã là một thông tin chia sẻ của đơn vị" in page
    assert reverse("sharing:curate_edit", args=[Item.objects.get().pk]) in page
    assert Item.objects.count() == 1


# --- audience --------------------------------------------------------------------------------


def test_the_audience_is_narrowed_to_kinds_and_to_units_picked_under_the_unit(tree, kinds, editor, other, login):
    client = login(editor)
    url = reverse("sharing:curate_new", args=[tree["upper"].pk])
    response = client.post(url, _form(audience_kinds=[kinds["cdcs"].pk], add_unit=tree["a"].pk))
    assert response.status_code == 302
    item = Item.objects.get()
    assert list(item.audience_kinds.all()) == [kinds["cdcs"]]
    assert list(item.audience_units.all()) == [tree["a"]]
    # Units out of the curating unit's subtree are refused, whether picked or ticked.
    outside = client.post(url, _form(url="https://a.vn/x", add_unit=tree["province"].pk))
    assert outside.status_code == 400
    assert client.post(url, _form(url="https://a.vn/y", audience_units=[other["unit"].pk])).status_code == 400
    assert Item.objects.count() == 1


def test_editing_adds_a_unit_and_unticks_another(tree, editor, login):
    item = _item(tree["upper"], units=[tree["a"]])
    client = login(editor)
    page = client.get(reverse("sharing:curate_edit", args=[item.pk])).content.decode()
    assert tree["a"].name in page
    response = client.post(
        reverse("sharing:curate_edit", args=[item.pk]), _form(version=item.version, add_unit=tree["b"].pk)
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert list(item.audience_units.all()) == [tree["b"]]  # a unticked, b added
    assert item.version == 2
    entry = AuditEntry.objects.get(action="sharing.item.updated")
    assert entry.before["units"] == [tree["a"].name] and entry.after["units"] == [tree["b"].name]


# --- edit, two editors, retire ---------------------------------------------------------------


def test_two_editors_at_once_the_second_sees_the_first_ones_change_and_keeps_its_own(tree, editor, upper_admin, client):
    item = _item(tree["upper"])
    url = reverse("sharing:curate_edit", args=[item.pk])
    client.force_login(editor)
    assert client.post(url, _form(version=1, title="Tiêu đề của biên tập viên")).status_code == 302
    client.force_login(upper_admin)
    response = client.post(url, _form(version=1, title="Tiêu đề của quản trị"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Tiêu đề của biên tập viên" in page and "Tiêu đề của quản trị" in page
    assert "Có người (biên tập viên khác" in page
    item.refresh_from_db()
    assert item.title == "Tiêu đề của biên tập viên"
    # Saving again is a deliberate "keep mine".
    assert client.post(url, _form(version=2, title="Tiêu đề của quản trị")).status_code == 302
    item.refresh_from_db()
    assert (item.title, item.version) == ("Tiêu đề của quản trị", 3)


def test_the_same_edit_sent_twice_is_saved_once(tree, editor, login):
    item = _item(tree["upper"])
    client = login(editor)
    url = reverse("sharing:curate_edit", args=[item.pk])
    assert client.post(url, _form(version=1, title="Mới")).status_code == 302
    assert client.post(url, _form(version=1, title="Mới")).status_code == 302
    item.refresh_from_db()
    assert item.version == 2
    assert AuditEntry.objects.filter(action="sharing.item.updated").count() == 1


def test_retire_checks_the_version_and_a_second_tap_changes_nothing(tree, editor, upper_admin, client):
    item = _item(tree["upper"])
    url = reverse("sharing:curate_retire", args=[item.pk])
    client.force_login(editor)
    client.post(reverse("sharing:curate_edit", args=[item.pk]), _form(version=1, title="Đổi rồi"))
    client.force_login(upper_admin)
    stale = client.post(url, {"version": 1}, follow=True)
    assert "chưa được dừng" in stale.content.decode()
    item.refresh_from_db()
    assert item.status == Item.Status.ACTIVE
    assert client.post(url, {"version": 2}).status_code == 302
    assert client.post(url, {"version": 2}).status_code == 302  # the second tap
    item.refresh_from_db()
    assert item.status == Item.Status.RETIRED and item.version == 3
    assert AuditEntry.objects.filter(action="sharing.item.retired").count() == 1
    assert client.post(url, {"version": "abc"}).status_code == 302
    # A retired item is shown, no longer edited.
    page = client.get(reverse("sharing:curate_edit", args=[item.pk]))
    assert page.status_code == 200 and '<form method="post" enctype' not in page.content.decode()
    assert client.post(reverse("sharing:curate_edit", args=[item.pk]), _form(version=3)).status_code == 200
    item.refresh_from_db()
    assert item.title == "Đổi rồi"


def test_retire_without_a_version_is_refused(tree, editor, login):
    item = _item(tree["upper"])
    login(editor).post(reverse("sharing:curate_retire", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == Item.Status.ACTIVE


# --- the image -------------------------------------------------------------------------------


def test_an_image_is_reencoded_and_public_only_while_the_item_is_shared(
    tree, editor, alice, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(editor)
    url = reverse("sharing:curate_new", args=[tree["upper"].pk])
    upload = SimpleUploadedFile("ảnh\x00.php.jpg", jpeg(), content_type="image/jpeg")
    assert client.post(url, {**_form(), "image": upload}).status_code == 302
    item = Item.objects.get()
    assert item.image.name.startswith("sharing/") and item.image.name.endswith(".jpg")
    assert "php" not in item.image.name
    image_url = reverse("sharing:item_image", args=[item.pk])
    client.logout()
    public = client.get(image_url)
    assert public.status_code == 200 and public["Content-Type"] == "image/jpeg"
    services.item_retire(by=None, item=item)
    assert client.get(image_url).status_code == 404
    client.force_login(alice)
    assert client.get(image_url).status_code == 404
    client.force_login(editor)
    assert client.get(image_url).status_code == 200
    assert client.get(reverse("sharing:item_image", args=[999999])).status_code == 404


def test_an_upcoming_items_image_is_shown_to_curators_only(tree, editor, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = TODAY()
    item = _item(
        tree["upper"],
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=4),
        image=SimpleUploadedFile("a.jpg", jpeg()),
    )
    image_url = reverse("sharing:item_image", args=[item.pk])
    assert client.get(image_url).status_code == 404
    client.force_login(editor)
    assert client.get(image_url).status_code == 200


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("thu.jpg", b"<html><script>alert(1)</script></html>", "JPEG"),
        ("bom.png", png_claiming(100_000, 100_000), "quá lớn"),
        ("bom2.png", png_claiming(8_000, 8_000), "quá lớn"),
        ("rong.jpg", b"", "rỗng"),
    ],
)
def test_hostile_images_are_refused_in_vietnamese(tree, editor, login, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = login(editor).post(reverse("sharing:curate_new", args=[tree["upper"].pk]), {**_form(), "image": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Item.objects.exists()
    assert not list(tmp_path.rglob("*.*"))


def test_an_image_over_the_size_limit_is_refused(tree, editor, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("to.jpg", jpeg((400, 400)) + b"\0" * 2048, content_type="image/jpeg")
    response = login(editor).post(reverse("sharing:curate_new", args=[tree["upper"].pk]), {**_form(), "image": upload})
    assert response.status_code == 400
    assert "giới hạn là" in response.content.decode()
    assert not Item.objects.exists()


def test_an_image_is_replaced_and_removed_on_edit(tree, editor, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    item = _item(tree["upper"], image=SimpleUploadedFile("a.jpg", jpeg()))
    first = item.image.name
    client = login(editor)
    url = reverse("sharing:curate_edit", args=[item.pk])
    response = client.post(url, {**_form(version=1), "image": SimpleUploadedFile("b.jpg", jpeg((50, 50)))})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.image.name != first and not (tmp_path / first).exists()
    assert client.post(url, {**_form(version=2), "remove_image": "on"}).status_code == 302
    item.refresh_from_db()
    assert not item.image and not list(tmp_path.rglob("*.jpg"))


def test_markup_in_a_title_or_text_is_shown_as_text(tree, editor, login):
    client = login(editor)
    url = reverse("sharing:curate_new", args=[tree["upper"].pk])
    client.post(url, _form(title="<script>alert(1)</script>", text="<img src=x onerror=alert(1)>"))
    item = Item.objects.get()
    listing = client.get(reverse("sharing:curate_list", args=[tree["upper"].pk])).content.decode()
    assert "<script>alert(1)</script>" not in listing and "&lt;script&gt;" in listing
    page = client.get(reverse("sharing:curate_edit", args=[item.pk])).content.decode()
    assert "<img src=x" not in page


def test_a_conflict_on_the_audience_shows_both_sides(tree, editor, upper_admin, client):
    item = _item(tree["upper"], units=[tree["a"]])
    url = reverse("sharing:curate_edit", args=[item.pk])
    client.force_login(editor)
    assert client.post(url, _form(version=1, audience_units=[tree["a"].pk], add_unit=tree["b"].pk)).status_code == 302
    client.force_login(upper_admin)
    response = client.post(url, _form(version=1, audience_units=[tree["a"].pk]))
    assert response.status_code == 409
    conflict = response.content.decode().split('data-testid="conflict"')[1].split("</section>")[0]
    assert tree["b"].name in conflict
    item.refresh_from_db()
    assert {u.pk for u in item.audience_units.all()} == {tree["a"].pk, tree["b"].pk}
