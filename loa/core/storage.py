"""Where kept files live: this machine's disk (MEDIA_ROOT, the default) or S3-compatible object
storage (STORAGE_URL, loa.env.storage_from_url), always reached through Django's storage API.

Both backends say the same thing when the storage itself fails (a bucket that cannot be reached, a
disk that answers I/O errors): `StorageUnavailable`, which loa.core.storage_down turns into a
Vietnamese 503 instead of a 500. A file that is not there stays FileNotFoundError (a 404 where a
view serves it).

Objects are private: no ACL is sent, so every object has the bucket's own (private unless someone
opened the bucket), and Loa never hands out an object's URL. Every download goes through the view
of its kind, which checks the user's permission and streams the bytes (loa.core.files).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import SuspiciousFileOperation, SuspiciousOperation
from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage

T = TypeVar("T")

# An object store that does not answer must fail a request in seconds, not hold a gunicorn thread
# for boto's default minute per try; two tries ride out a dropped connection.
CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 2, "mode": "standard"})
# A download larger than this is spooled to a temporary file rather than held in memory.
SPOOL_BYTES = 2 * 1024 * 1024


class StorageUnavailable(OSError):
    """The file storage failed (not: the file is missing). Its message is for the log only."""


def _not_found(exc: BaseException) -> bool:
    if isinstance(exc, ClientError):
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return status == 404 or exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey")
    return isinstance(exc, FileNotFoundError)


def guarded(call: Callable[[], T]) -> T:
    """`call()`, with a failure of the storage raised as StorageUnavailable."""
    try:
        return call()
    except StorageUnavailable:
        raise
    except (BotoCoreError, ClientError, OSError) as exc:
        if _not_found(exc):
            raise FileNotFoundError(str(exc)) from exc
        if isinstance(exc, FileExistsError | IsADirectoryError | NotADirectoryError):
            raise
        raise StorageUnavailable(f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # boto3's S3UploadFailedError and the like wrap a client error
        if type(exc).__module__.startswith(("boto3", "botocore", "s3transfer")):
            raise StorageUnavailable(f"{type(exc).__name__}: {exc}") from exc
        raise


def checked(name: str) -> str:
    """A stored file's name without control characters (NUL, line breaks): Loa generates every
    name, so one that has them came from somewhere else and is refused, as `..` is by Django."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise SuspiciousFileOperation("A stored file's name may not hold control characters")
    return name


class LocalStorage(FileSystemStorage):
    """MEDIA_ROOT on this machine's disk (or a shared file system mounted there)."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return super().get_available_name(checked(name), max_length)

    def _open(self, name: str, mode: str = "rb") -> Any:
        return guarded(lambda: super(LocalStorage, self)._open(checked(name), mode))  # type: ignore[misc]  # stubs lack it

    def _save(self, name: str, content: Any) -> str:
        return guarded(lambda: super(LocalStorage, self)._save(name, content))  # type: ignore[misc]  # stubs lack it

    def delete(self, name: str) -> None:
        guarded(lambda: super(LocalStorage, self).delete(name))


class ObjectStorage(S3Storage):
    """A bucket of S3-compatible object storage, configured by STORAGE_URL (loa.env)."""

    def get_default_settings(self) -> dict[str, Any]:
        defaults: dict[str, Any] = super().get_default_settings()
        defaults.update(
            # Loa's names are random; never replace an object that happens to have the same one.
            file_overwrite=False,
            default_acl=None,
            querystring_auth=True,  # no URL is ever handed out; if one were, it would be signed
            client_config=CLIENT_CONFIG,
            max_memory_size=SPOOL_BYTES,
        )
        return defaults

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return str(super().get_available_name(checked(name), max_length))

    def url(self, name: str | None, parameters: Any = None, expire: Any = None, http_method: Any = None) -> str:
        # A signed address would let anyone who has it read the object, past Loa's permission
        # checks, for as long as it lasts: no page or API answer may carry one.
        raise NotImplementedError("Loa never hands out an object's address: serve the file through its view")

    def _normalize_name(self, name: str) -> str:
        # django-storages says SuspiciousOperation (a 400) for a name outside the bucket's prefix;
        # Django's file storage says SuspiciousFileOperation, which Loa's file views answer with 404.
        try:
            return str(super()._normalize_name(name))
        except SuspiciousOperation as exc:
            raise SuspiciousFileOperation(str(exc)) from None

    def _open(self, name: str, mode: str = "rb") -> Any:
        def download() -> Any:
            handle = S3Storage._open(self, checked(name), mode)
            # Fetch the bytes now, while the view can still answer with an error page; a failure
            # in the middle of a streamed answer would only cut the download short.
            handle.file  # noqa: B018
            return handle

        return guarded(download)

    def _save(self, name: str, content: Any) -> str:
        return guarded(lambda: S3Storage._save(self, name, content))

    def delete(self, name: str) -> None:
        guarded(lambda: S3Storage.delete(self, name))

    def exists(self, name: str) -> bool:
        return guarded(lambda: S3Storage.exists(self, name))

    def size(self, name: str) -> int:
        return guarded(lambda: S3Storage.size(self, name))

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return guarded(lambda: S3Storage.listdir(self, path))
