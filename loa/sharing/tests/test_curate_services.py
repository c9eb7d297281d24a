"""The curators' writes, as the API and the other parts call them: checked whatever the caller."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from loa.audit.models import AuditEntry
from loa.core.versions import StaleVersion
from loa.sharing import services
from loa.sharing.models import Item
from loa.sharing.tests.test_curate_pages import _item, jpeg


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "ftp://a.vn/x", "//a.vn/x", "a.vn"])
def test_only_web_links_are_taken(tree, url):
    with pytest.raises(ValidationError) as caught:
        _item(tree["upper"], url=url)
    assert "http://" in str(caught.value)
    assert not Item.objects.exists()


def test_an_update_checks_the_version_and_keeps_the_first_change(tree, editor):
    item = _item(tree["upper"])
    services.item_update(by=editor, item=item, expected_version=1, title="Một")
    with pytest.raises(StaleVersion):
        services.item_update(by=editor, item=item, expected_version=1, title="Hai")
    item.refresh_from_db()
    assert (item.title, item.version) == ("Một", 2)
    with pytest.raises(StaleVersion):  # no version at all is no edit either
        services.item_update(by=editor, item=item, expected_version="abc", title="Ba")  # type: ignore[arg-type]


def test_an_update_refuses_bad_days_and_units_outside(tree, other, editor):
    item = _item(tree["upper"])
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.item_update(by=editor, item=item, expected_version=1, ends_on=today - timedelta(days=1))
    with pytest.raises(ValidationError):
        services.item_update(by=editor, item=item, expected_version=1, units=[other["unit"]])
    with pytest.raises(ValidationError):
        services.item_update(by=editor, item=item, expected_version=1, url="javascript:alert(1)")
    with pytest.raises(TypeError):
        services.item_update(by=editor, item=item, expected_version=1, status="active")
    item.refresh_from_db()
    assert item.version == 1 and not AuditEntry.objects.filter(action="sharing.item.updated").exists()


def test_a_retired_item_is_not_changed_and_retiring_it_again_is_harmless(tree, editor):
    item = _item(tree["upper"])
    services.item_retire(by=editor, item=item, expected_version=1)
    services.item_retire(by=editor, item=item, expected_version=1)
    with pytest.raises(ValidationError, match="đã dừng"):
        services.item_update(by=editor, item=item, expected_version=2, title="Mới")
    assert AuditEntry.objects.filter(action="sharing.item.retired").count() == 1


def test_a_picture_that_is_not_one_is_refused_and_nothing_is_stored(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError):
        _item(tree["upper"], image=SimpleUploadedFile("x.jpg", b"GIF89a not really"))
    assert not Item.objects.exists() and not list(tmp_path.rglob("*.*"))
    item = _item(tree["upper"], image=SimpleUploadedFile("x.jpg", jpeg()))
    assert item.image.name.endswith(".jpg")
