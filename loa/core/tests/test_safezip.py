"""The zip check every Office file passes before a parser sees it (it runs in the sandbox's child;
here it is called directly)."""

import io
import zipfile

import pytest

from loa.core.safezip import CHUNK, MAX_MEMBERS, check_zip
from loa.core.sandbox import Refused
from loa.core.tests.hostile import corpus, docx_bytes, replace_member, xlsx_bytes


def _zip(members, base=None):
    """A zip with the members of `base` (an Office file) and then `members` ({name: bytes})."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if base:
            source = zipfile.ZipFile(io.BytesIO(base))
            for info in source.infolist():
                archive.writestr(info.filename, source.read(info.filename))
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _refusal(data, **kwargs):
    with pytest.raises(Refused) as exc:
        check_zip(data, **kwargs)
    return exc.value.code


def test_a_real_workbook_and_document_pass_and_say_what_they_are():
    assert check_zip(xlsx_bytes()) == "xlsx"
    assert check_zip(docx_bytes(), expect=("docx",)) == "docx"


def test_a_file_of_another_kind_is_refused_as_such():
    assert _refusal(docx_bytes(), expect=("xlsx",)) == "wrong_kind"


def test_a_zip_bomb_is_refused_a_megabyte_into_it():
    assert _refusal(corpus()["xlsx zip bomb"][1]) == "zip_bomb"


def test_a_member_that_lies_about_its_size_is_counted_by_its_real_bytes():
    data = corpus()["xlsx zip bomb, lying sizes"][1]
    member = zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml")
    # A reader that trusts the declared size sees a small, sound member...
    assert member.file_size == 1000
    assert len(zipfile.ZipFile(io.BytesIO(data)).read(member)) == 1000
    # ...the check counts what the packed data really unpacks to.
    assert _refusal(data) == "zip_bomb"


def test_the_total_unpacked_is_capped():
    data = xlsx_bytes([[f"Trường {i}", i] for i in range(2000)])
    assert check_zip(data) == "xlsx"
    assert _refusal(data, max_unpacked=50_000) == "zip_bomb"


@pytest.mark.parametrize("member", ["[Content_Types].xml", "docProps/app.xml", "xl/worksheets/sheet1.xml"])
def test_a_doctype_or_entity_declaration_in_any_xml_member_is_refused(member):
    xml = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'
    assert _refusal(replace_member(xlsx_bytes(), member, xml)) == "xml_unsafe"
    assert _refusal(replace_member(xlsx_bytes(), member, b"<x><!entity a 'b'></x>")) == "xml_unsafe"


def test_a_declaration_split_across_two_reads_is_found():
    xml = b"<x>" + b" " * (CHUNK - 3 - 5) + b"<!DOC" + b"TYPE x []><x/>"
    assert _refusal(replace_member(xlsx_bytes(), "docProps/app.xml", xml)) == "xml_unsafe"


@pytest.mark.parametrize(
    "xml",
    [
        '<?xml version="1.0" encoding="UTF-16"?><x/>'.encode("utf-16"),
        b'<?xml version="1.0" encoding="UTF-7"?><x>+ADwAIQ-DOCTYPE</x>',
        "<x/>".encode("utf-32"),
    ],
)
def test_xml_in_an_encoding_a_byte_scan_cannot_read_is_refused(xml):
    assert _refusal(replace_member(xlsx_bytes(), "docProps/app.xml", xml)) == "xml_unsafe"


@pytest.mark.parametrize("name", ["../../etc/cron.d/loa", "/etc/passwd", "C:\\Windows\\win.ini", "xl/..\\..\\x.xml"])
def test_a_member_name_that_leaves_the_archive_is_refused(name):
    assert _refusal(_zip({name: b"x"}, base=xlsx_bytes())) == "zip_names"


def test_a_member_given_twice_is_refused():
    with pytest.warns(UserWarning):
        data = _zip({"xl/workbook.xml": b"<workbook/>"}, base=xlsx_bytes())
    assert _refusal(data) == "zip_names"


def test_an_archive_inside_is_refused_except_in_office_embeddings():
    inner = _zip({"a.txt": b"a"})
    assert _refusal(_zip({"xl/media/image1.png": inner}, base=xlsx_bytes())) == "zip_nested"
    # Word keeps the workbook of a chart under word/embeddings/: Loa never opens it.
    assert (
        check_zip(_zip({"word/embeddings/Microsoft_Excel_Worksheet.xlsx": xlsx_bytes()}, base=docx_bytes())) == "docx"
    )


def test_too_many_members_are_refused_before_any_is_unpacked():
    assert _refusal(corpus()["zip with thousands of members"][1]) == "zip_members"
    assert MAX_MEMBERS == 2000


def test_a_member_protected_by_a_password_is_refused():
    data = bytearray(xlsx_bytes())
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.infolist()[0]
    data[info.header_offset + 6] |= 0x1  # the "encrypted" flag, in the local header...
    central = bytes(data).index(b"PK\x01\x02")
    data[central + 8] |= 0x1  # ...and in the central directory (the first entry is the same member)
    assert _refusal(bytes(data)) == "encrypted"
