"""The one Facebook address module: every shape of a Page's address people paste, and what is not one."""

import pytest
from django.core.exceptions import ValidationError

from loa.core.facebook import canonical_host, find_urls, is_facebook_host, page_key, page_slug, page_url


@pytest.mark.parametrize(
    "raw, url",
    [
        ("fb.com/CongDoanABC", "https://www.facebook.com/CongDoanABC"),
        ("https://m.facebook.com/CongDoanABC/?ref=bookmarks", "https://www.facebook.com/CongDoanABC"),
        ("www.facebook.com/cdcs.truong.thpt", "https://www.facebook.com/cdcs.truong.thpt"),
        ("https://web.facebook.com/cdcs.truong.thpt/?_rdc=1&_rdr", "https://www.facebook.com/cdcs.truong.thpt"),
        ("mbasic.facebook.com/cdcs.bvdk", "https://www.facebook.com/cdcs.bvdk"),
        ("https://business.facebook.com/cdcs.bvdk/", "https://www.facebook.com/cdcs.bvdk"),
        ("https://vi-vn.facebook.com/cdcs.bvdk/about/", "https://www.facebook.com/cdcs.bvdk"),
        ("touch.facebook.com/cdcs.bvdk", "https://www.facebook.com/cdcs.bvdk"),
        ("fb.me/cdcs.mamnon", "https://www.facebook.com/cdcs.mamnon"),
        (
            "https://www.facebook.com/profile.php?id=100064123456789&mibextid=abc",
            "https://www.facebook.com/profile.php?id=100064123456789",
        ),
        ("m.facebook.com/profile.php?id=100064123456789", "https://www.facebook.com/profile.php?id=100064123456789"),
        ("https://www.facebook.com/pages/Cong-doan-co-so/723701000827665", "https://www.facebook.com/723701000827665"),
        (
            "https://www.facebook.com/pages/category/Community/Cong-doan/723701000827665",
            "https://www.facebook.com/723701000827665",
        ),
        ("https://www.facebook.com/p/Cong-Doan-Co-So-100083912345678/", "https://www.facebook.com/100083912345678"),
        ("https://www.facebook.com/CongDoanABC/posts/123?fbclid=IwAR0", "https://www.facebook.com/CongDoanABC"),
        ("  http://facebook.com/cdcs.bvdk  ", "https://www.facebook.com/cdcs.bvdk"),
        ("HTTPS://WWW.FACEBOOK.COM/CdcsBvdk", "https://www.facebook.com/CdcsBvdk"),
    ],
)
def test_it_accepts_the_forms_people_paste(raw, url):
    assert page_url(raw) == url


@pytest.mark.parametrize(
    "raw",
    [
        "zalo.me/cdcs",
        "https://cdvccaobang.vn",
        "facebook.com/groups/123",
        "facebook.evil.com/x",
        "notfacebook.com/cdcs",
        "",
        "facebook.com/",
        "facebook.com/profile.php?id=abc",
        "fb.watch/abc123",
        "http://[",
        "facebook.com:99999/x",
        "facebook.com/sharer/sharer.php?u=x",
    ],
)
def test_it_refuses_what_is_not_a_facebook_page(raw):
    with pytest.raises(ValidationError):
        page_url(raw)


@pytest.mark.parametrize(
    "host, facebook, canonical",
    [
        ("facebook.com", True, "facebook.com"),
        ("www.facebook.com", True, "facebook.com"),
        ("m.facebook.com", True, "facebook.com"),
        ("mbasic.facebook.com", True, "facebook.com"),
        ("vi-vn.facebook.com.", True, "facebook.com"),
        ("www.fb.com", True, "facebook.com"),
        ("fb.me", True, "fb.me"),
        ("fb.watch", True, "fb.watch"),
        ("facebook.com.evil.vn", False, "facebook.com.evil.vn"),
        ("www.congdoan.vn", False, "congdoan.vn"),
        ("", False, ""),
    ],
)
def test_it_knows_facebooks_hosts(host, facebook, canonical):
    assert is_facebook_host(host) is facebook
    assert canonical_host(host) == canonical


@pytest.mark.parametrize(
    "text, urls",
    [
        ("Trang: fb.com/cdcs.abc, ĐT 0912 345 678", ["fb.com/cdcs.abc"]),
        (
            "(https://m.facebook.com/cdcs.thpt/) và www.facebook.com/cdcs.thpt.",
            ["https://m.facebook.com/cdcs.thpt/", "www.facebook.com/cdcs.thpt"],
        ),
        ("link fb.me/xyz hoặc facebook.com/profile.php?id=123", ["fb.me/xyz", "facebook.com/profile.php?id=123"]),
        ("Chưa có trang, đang xây dựng", []),
        ("see notfacebook.org/x", []),
    ],
)
def test_it_finds_addresses_in_free_text(text, urls):
    assert find_urls(text) == urls


@pytest.mark.parametrize(
    "url, slug",
    [
        ("https://www.facebook.com/cdcs.thpt.caobang", "cdcs thpt caobang"),
        ("facebook.com/CDCS-Mam-Non_HoaAn/", "cdcs mam non hoaan"),
        ("https://www.facebook.com/profile.php?id=100064123456789", ""),
        ("https://www.facebook.com/723701000827665", ""),
        ("not an address", ""),
    ],
)
def test_it_gives_the_slug_a_unit_is_matched_by(url, slug):
    assert page_slug(url) == slug


def test_the_key_ignores_case_as_facebook_does():
    assert page_key(page_url("fb.com/CDCS.Abc")) == page_key(page_url("facebook.com/cdcs.abc"))
