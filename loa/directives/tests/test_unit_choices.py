"""Where a directive's pages offer units to choose (recipients, the returned forms' unit, the
tracking's drill-down), two namesakes differ by their codes and parents."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.directives import services
from loa.directives.models import ReturnedFormBatch
from loa.directives.tests.factories import fanpage_letter
from loa.units.tests.picking import NAMESAKE, namesakes

FORMS = Path(__file__).resolve().parent / "returned_forms"


@pytest.fixture
def twins(tree, kinds):
    return namesakes(tree, kinds)


def province_letter(tree, admin, recipients, *, issue=True):
    """The seed letter, issued by the province: the namesakes sit under two upper unions."""
    directive, task = fanpage_letter(tree, by=admin, issue=False, recipients=[tree["a"]])
    directive.issuing_unit = tree["province"]
    directive.save(update_fields=["issuing_unit"])
    services.directive_set_recipients(by=admin, directive=directive, units=recipients)
    if issue:
        services.directive_issue(by=admin, directive=directive)
    return directive, task


def _choice(unit, parent=None):
    html = f'<span class="unit-choice"><span class="unit-name">{unit.name}</span> <span class="unit-code">{unit.code}</span>'
    return html + (f' <span class="unit-parent">· {parent}</span>' if parent else "")


def test_the_recipients_search_and_chosen_list_show_codes_and_parents(login, admin, tree, twins):
    here, there = twins
    directive, _task = province_letter(tree, admin, [here], issue=False)
    client = login(admin)
    url = reverse("directives:recipients", args=[directive.pk])
    found = client.get(url, {"q": "kim dong"}, HTTP_HX_REQUEST="true").content.decode()
    assert _choice(here, tree["upper"].name) in found
    assert _choice(there, "CĐGD Hòa An") in found
    chosen = client.get(url).content.decode().split("<h2>")[-1]
    assert _choice(here, tree["upper"].name) in chosen and "KD-HA" not in chosen


def test_the_returned_forms_unit_choice_names_each_recipient_with_its_code(
    login, admin, tree, twins, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    here, there = twins
    _directive, task = province_letter(tree, admin, [tree["a"], here, there])
    client = login(admin)
    name = "01 CDCS THPT TP Cao Bang.xlsx"
    upload = SimpleUploadedFile(name, (FORMS / name).read_bytes())
    assert client.post(reverse("directives:import_start", args=[task.pk]), {"files": [upload]}).status_code == 302
    batch = ReturnedFormBatch.objects.get(task=task)
    page = client.get(reverse("directives:import_batch", args=[task.pk, batch.pk])).content.decode()
    assert f'<option value="{here.pk}">{NAMESAKE} (KD-TP)</option>' in page
    assert f'<option value="{there.pk}">{NAMESAKE} (KD-HA)</option>' in page
    assert f"{tree['a'].name} (CS-A)</option>" in page


def test_the_tracking_drill_down_and_list_show_codes(login, admin, tree, twins, django_assert_max_num_queries):
    here, there = twins
    _directive, task = province_letter(tree, admin, [tree["a"], tree["b"], here, there])
    client = login(admin)
    url = reverse("directives:tracking", args=[task.pk])
    with django_assert_max_num_queries(20):
        page = client.get(url, {"unit": tree["province"].pk}).content.decode()
    assert _choice(tree["upper"]) in page  # a unit below, to drill into
    assert _choice(here, tree["upper"].name) in page and _choice(there, "CĐGD Hòa An") in page
