"""A local S3 stand-in for tests and the production smoke test: moto's server in a process of its
own on 127.0.0.1, with the fixtures that point Loa's default storage at a fresh bucket in it.

    def test_it_keeps_the_file_in_the_bucket(s3_bucket):
        ...upload through a view...
        assert s3_bucket.keys() == [...]

The repository's conftest.py loads these fixtures (`s3_server`, `s3_bucket`).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

# moto takes any keys; these are for tests and the smoke test only.
TEST_KEYS = {"AWS_ACCESS_KEY_ID": "loa-test-key", "AWS_SECRET_ACCESS_KEY": "loa-test-secret"}
REGION = "ap-southeast-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class S3Server:
    """moto_server on 127.0.0.1:port, started with `start()`."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, log: Any = subprocess.DEVNULL) -> S3Server:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"moto_server stopped at start (exit {self.process.returncode})")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("moto_server did not answer within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def client(self, **keys: str) -> Any:
        import boto3

        keys = keys or {"aws_access_key_id": TEST_KEYS["AWS_ACCESS_KEY_ID"]} | {
            "aws_secret_access_key": TEST_KEYS["AWS_SECRET_ACCESS_KEY"]
        }
        return boto3.client("s3", endpoint_url=self.endpoint, region_name=REGION, **keys)

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"loa-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
        return name

    def storage_url(self, bucket: str) -> str:
        return f"s3://{bucket}?endpoint_url={self.endpoint}&region={REGION}&addressing_style=path"


@dataclass
class Bucket:
    server: S3Server
    name: str

    def keys(self) -> list[str]:
        listed = self.server.client().list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", ()))

    def read(self, key: str) -> bytes:
        return bytes(self.server.client().get_object(Bucket=self.name, Key=key)["Body"].read())


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    server = S3Server(free_port()).start()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server: S3Server, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Bucket]:
    """A new bucket, and Loa's default storage in it (STORAGE_URL as production reads it)."""
    from loa.env import storage_from_url

    for key, value in TEST_KEYS.items():
        monkeypatch.setenv(key, value)
    bucket = Bucket(s3_server, s3_server.create_bucket())
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(s3_server.storage_url(bucket.name))}
    yield bucket
