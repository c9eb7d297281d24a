"""STORAGE_URL as an installer writes it: local disk when empty, a bucket when set, and a clear
refusal (that never repeats a key) when it cannot be right."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from loa.env import storage_from_url


def test_without_it_files_stay_on_this_disk():
    assert storage_from_url("") == {"BACKEND": "loa.core.storage.LocalStorage"}


def test_a_bucket_with_its_endpoint_region_style_and_prefix():
    url = "s3://loa-files?endpoint_url=https://s3.example.vn&region=hn&addressing_style=path&prefix=loa"

    assert storage_from_url(url) == {
        "BACKEND": "loa.core.storage.ObjectStorage",
        "OPTIONS": {
            "bucket_name": "loa-files",
            "endpoint_url": "https://s3.example.vn",
            "region_name": "hn",
            "addressing_style": "path",
            "location": "loa",
        },
    }


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://s3.example.vn/loa-files", "STORAGE_URL must look like s3://bucket"),
        ("s3://loa-files/some/path", "STORAGE_URL must look like s3://bucket"),
        ("s3://AKIAEXAMPLE:very-secret@loa-files", "must not hold keys"),
        ("s3://loa-files?secret_key=very-secret", "may say addressing_style, endpoint_url, prefix, region"),
        ("s3://loa-files?region=a&region=b", "once each"),
        ("s3://loa-files?region=", "with a value"),
        ("s3://loa-files?endpoint_url=ftp://s3.example.vn", "endpoint_url must be an http(s) address"),
        ("s3://loa-files?addressing_style=sideways", "addressing_style must be path, virtual or auto"),
    ],
)
def test_a_wrong_url_stops_start_up_without_repeating_a_secret(url, says):
    with pytest.raises(ImproperlyConfigured) as refused:
        storage_from_url(url)

    assert says in str(refused.value)
    assert "very-secret" not in str(refused.value)
