"""Pages leave compressed when the browser accepts it; downloads of already compressed files do not."""

import gzip

from django.urls import reverse


def test_a_page_is_sent_compressed_to_a_browser_that_accepts_it(login, admin):
    client = login(admin)
    plain = client.get(reverse("home"))
    packed = client.get(reverse("home"), HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    body = gzip.decompress(packed.content).decode()
    assert "</html>" in body and len(packed.content) < len(plain.content) / 2


def test_a_spreadsheet_download_is_not_compressed_again(login, admin, tree):
    response = login(admin).get(reverse("units:export", args=["xlsx"]), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
