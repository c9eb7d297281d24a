import pytest
from django.core.exceptions import ValidationError

from loa.fanpages.urlnorm import normalize_page_url


@pytest.mark.parametrize(
    "raw, url",
    [
        ("fb.com/CongDoanABC", "https://www.facebook.com/CongDoanABC"),
        ("https://m.facebook.com/CongDoanABC/?ref=bookmarks", "https://www.facebook.com/CongDoanABC"),
        ("www.facebook.com/cdcs.truong.thpt", "https://www.facebook.com/cdcs.truong.thpt"),
        ("https://www.facebook.com/profile.php?id=100064123456789&mibextid=abc", "https://www.facebook.com/profile.php?id=100064123456789"),
        ("https://www.facebook.com/pages/Cong-doan-co-so/723701000827665", "https://www.facebook.com/723701000827665"),
        ("https://www.facebook.com/p/Cong-Doan-Co-So-100083912345678/", "https://www.facebook.com/100083912345678"),
        ("  http://facebook.com/cdcs.bvdk  ", "https://www.facebook.com/cdcs.bvdk"),
    ],
)
def test_it_accepts_the_forms_people_paste(raw, url):
    assert normalize_page_url(raw) == url


@pytest.mark.parametrize("raw", ["zalo.me/cdcs", "https://cdvccaobang.vn", "facebook.com/groups/123", "facebook.evil.com/x", "", "facebook.com/"])
def test_it_refuses_what_is_not_a_facebook_page(raw):
    with pytest.raises(ValidationError):
        normalize_page_url(raw)
