"""Done when: a phone officer submits with a photo, a desktop editor returns it, the officer fixes and
resends, the editor publishes it on two channels, and the unit's progress and the province table agree."""

import pytest

from conftest import browser_login
from loa.articles import services
from loa.articles.tests.factories import channels, jpeg_bytes
from loa.articles.topics import ensure_default_topics

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_piece_goes_from_a_phone_to_two_channels_and_counts_once(
    phone, desktop, tree, alice, editor, admin, tmp_path
):
    ensure_default_topics()  # a browser test's database is emptied between tests, migrated data too
    chans = channels(editor)
    services.quota_set(by=admin, unit=tree["a"], year=2021, kind="news", target=4, notice="812/TB-CĐVC ngày 22/02/2021")
    from datetime import date

    photo = tmp_path / "hoi-thi.jpg"
    photo.write_bytes(jpeg_bytes())

    # The officer, on a phone.
    browser_login(phone, "alice")
    phone.goto(phone.base_url + "/articles/")
    phone.get_by_role("link", name="Viết tin, bài").click()
    phone.get_by_label("Tiêu đề").fill("Hội thi nấu ăn chào mừng ngày 8/3")
    phone.get_by_label("Nội dung").fill("Sáng 7/3, Công đoàn trường tổ chức hội thi.\n\nCó 12 đội tham gia.")
    phone.get_by_label("Gương người tốt, việc tốt").check()
    phone.get_by_label(chans[0].name).check()
    phone.get_by_label(chans[2].name).check()
    phone.set_input_files("#id_photo", str(photo))  # the photo goes with the first save
    phone.get_by_test_id("save").click()
    phone.get_by_text("Đã lưu bản nháp.").wait_for()
    assert phone.locator("figure img").count() == 1
    phone.get_by_label("Tác giả").fill("Hoàng Thị An")
    phone.locator("#autosave").get_by_text("Đã lưu bản nháp lúc").wait_for()  # kept while typing
    phone.get_by_test_id("send").click()
    phone.get_by_test_id("state").get_by_text("Đã gửi").wait_for()
    piece_url = phone.url
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The editor, on a desktop, returns it with a reason.
    browser_login(desktop, "editor")
    desktop.goto(desktop.base_url + "/articles/review/")
    desktop.get_by_role("link", name="Hội thi nấu ăn chào mừng ngày 8/3").click()
    desktop.get_by_label("Lý do").fill("Thêm tên người chụp ảnh.")
    desktop.get_by_role("button", name="Trả lại đơn vị").click()
    desktop.get_by_test_id("state").get_by_text("Bị trả lại").wait_for()

    # The officer sees the reason, fixes and resends.
    phone.goto(piece_url)
    assert "Thêm tên người chụp ảnh." in phone.get_by_test_id("reason").inner_text()
    phone.get_by_role("link", name="Sửa và gửi lại").click()
    phone.get_by_label("Tác giả").fill("Nông Văn Dũng; ảnh: Hoàng Thị An")
    phone.get_by_test_id("send").click()
    phone.get_by_test_id("state").get_by_text("Đã gửi").wait_for()

    # The editor sees the change and publishes it on two channels.
    desktop.goto(piece_url)
    today = date.today().isoformat()
    for channel, url in (
        (chans[0], "https://ldld.caobang.gov.vn/tin-tuc/hoi-thi-nau-an"),
        (chans[2], "https://www.facebook.com/congdoancaobang/posts/1001"),
    ):
        desktop.select_option("#id_channel", label=channel.name)
        desktop.fill("#id_url", url)
        desktop.fill("#id_published_on", today)
        desktop.get_by_role("button", name="Ghi nhận đăng bài").click()
        desktop.get_by_test_id("publications").get_by_text(channel.name).wait_for()
    assert desktop.get_by_test_id("publications").locator("li").count() == 2

    # The unit's progress shows it once; the province table agrees.
    year = date.today().year
    if year != 2021:
        services.quota_set(by=admin, unit=tree["a"], year=year, kind="news", target=4)
    phone.goto(phone.base_url + f"/articles/progress/units/{tree['a'].pk}/?year={year}")
    assert phone.get_by_test_id("counted-news").inner_text().strip() == "1 / 4"
    desktop.context.clear_cookies()
    browser_login(desktop, "admin")
    desktop.goto(desktop.base_url + f"/articles/progress/?year={year}")
    row = desktop.locator(f"tr[data-unit='{tree['upper'].code}']")
    assert "1 / 4" in row.inner_text()
    desktop.goto(desktop.base_url + f"/articles/progress/?year={year}&unit={tree['upper'].pk}")
    assert "1 / 4" in desktop.locator(f"tr[data-unit='{tree['a'].code}']").inner_text()
