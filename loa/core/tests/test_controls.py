"""Control characters never get in: forms, query strings, URL parts, JSON bodies, file names."""

import pytest

from loa.core.controls import strip_controls, writable_line, writable_text
from loa.units.models import Unit

EVERY_C0 = "".join(chr(c) for c in range(32))


def test_every_c0_character_but_tab_and_line_ends_is_removed():
    # \r is a line end of its own: it becomes \n.
    assert strip_controls(f"a{EVERY_C0}b") == "a\t\n\nb"


def test_line_ends_become_newlines():
    assert strip_controls("một\r\nhai\rba\nbốn") == "một\nhai\nba\nbốn"


def test_vietnamese_text_is_left_alone():
    text = "Công đoàn cơ sở Trường THPT Thành phố Cao Bằng – “Fanpage” 😀"
    assert strip_controls(text) == text


def test_a_form_field_with_word_line_breaks_and_nul_is_saved_clean(client, admin, tree):
    unit = tree["a"]
    client.force_login(admin)
    response = client.post(
        f"/units/{unit.pk}/edit/",
        {
            "name": "Công đoàn cơ sở\x0b Trường\x00 THPT",
            "short_name": "",
            "code": unit.code,
            "kind": unit.kind_id,
            "members_count": 60,
            "staff_count": 65,
            "address": "",
            "contact_name": "",
            "phone": "",
            "email": "",
            "active_from": "",
            "version": unit.version,
        },
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=unit.pk).name == "Công đoàn cơ sở Trường THPT"


@pytest.mark.parametrize("path", ["/directives/?q=%00", "/units/?q=abc%00%0b", "/audit/?q=%1f"])
def test_a_query_string_with_control_characters_is_answered(client, admin, path):
    client.force_login(admin)
    assert client.get(path).status_code == 200


def test_a_url_part_with_nul_is_a_404_not_a_500(client, db):
    assert client.get("/l/ab%00cd").status_code == 404


def test_a_json_body_with_escaped_controls_is_cleaned_before_the_api_reads_it(api_client, admin, tree):
    unit = tree["a"]
    response = api_client(admin).patch(
        f"/api/v1/units/{unit.pk}",
        '{"name": "CĐCS\\u0000 Trường\\u000b THPT", "version": 1}',
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=unit.pk).name == "CĐCS Trường THPT"


# --- On the way out: what a file may hold -------------------------------------------------------


def test_a_file_keeps_tab_and_line_breaks_and_words_vertical_tab_becomes_one():
    assert writable_text(f"a{EVERY_C0}\x7f\x85\ufffe\uffff\ud800b") == "a\t\n\n\nb"  # \n, \x0b, \r
    assert writable_text("dòng 1\x0bdòng 2\r\ndòng 3") == "dòng 1\ndòng 2\ndòng 3"


def test_a_file_keeps_vietnamese_and_emoji_as_they_are():
    text = "Công đoàn cơ sở – “Fanpage” 😀\tghi chú\n"
    assert writable_text(text) is text


def test_a_file_name_or_sheet_title_is_one_line():
    assert writable_line(" Báo cáo\x0b tổng hợp\n\tCS-A\x00 ") == "Báo cáo tổng hợp CS-A"


def test_a_json_body_with_a_lone_surrogate_is_saved_without_it(api_client, admin, tree):
    unit = tree["a"]
    response = api_client(admin).patch(
        f"/api/v1/units/{unit.pk}", '{"name": "CĐCS \\ud800Trường THPT", "version": 1}', content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert Unit.objects.get(pk=unit.pk).name == "CĐCS Trường THPT"
