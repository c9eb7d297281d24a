"""Backups of files kept in object storage: a bucket cannot be tarred, so the backup copies every
object through the storage API, and the restore writes them back under the same names."""

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from loa.ops.backup import archive_storage, on_disk, restore_storage


def test_every_object_is_copied_out_and_written_back_after_it_was_lost(s3_bucket, tmp_path):
    assert not on_disk()
    names = [
        default_storage.save("directives/7/0123456789abcdef0123456789abcdef.pdf", ContentFile(b"%PDF-1.4 a")),
        default_storage.save("articles/photos/3/fedcba9876543210fedcba9876543210.jpg", ContentFile(b"\xff\xd8 b")),
    ]
    archive = tmp_path / "media.tar.gz"

    assert archive_storage(default_storage, archive) == 2
    for name in names:
        default_storage.delete(name)
    assert s3_bucket.keys() == []
    assert restore_storage(default_storage, archive) == 2

    assert s3_bucket.keys() == sorted(names)
    assert s3_bucket.read(names[0]) == b"%PDF-1.4 a" and s3_bucket.read(names[1]) == b"\xff\xd8 b"


def test_a_restore_writes_the_backups_bytes_over_a_changed_object_under_the_same_name(s3_bucket, tmp_path):
    name = default_storage.save("sharing/2026/12/abc.png", ContentFile(b"before"))
    archive_storage(default_storage, tmp_path / "media.tar.gz")
    default_storage.delete(name)
    default_storage.save(name, ContentFile(b"after"))

    restore_storage(default_storage, tmp_path / "media.tar.gz")

    assert s3_bucket.keys() == [name] and s3_bucket.read(name) == b"before"


@pytest.mark.parametrize("hostile", ["../outside.txt", "files/../../outside.txt"])
def test_a_backup_with_a_name_that_climbs_out_writes_nothing(hostile, s3_bucket, tmp_path):
    archive = tmp_path / "media.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name in ("fine.txt", hostile):
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))

    with pytest.raises(tarfile.FilterError):
        restore_storage(default_storage, archive)

    assert s3_bucket.keys() == []
