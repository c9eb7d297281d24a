"""The version contract of the API (loa/api/versions.py, docs/api.md): every PATCH takes the version
it read and declares its 409 (stale, with the current object) and its 428 (no version)."""

import pytest

pytestmark = pytest.mark.django_db


def _ref(schema, ref):
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_every_patch_takes_a_version_and_declares_409_and_428(client):
    schema = client.get("/api/v1/openapi.json").json()
    patches = {path: ops["patch"] for path, ops in schema["paths"].items() if "patch" in ops}
    assert len(patches) >= 4  # units, directives, tasks, pieces
    for path, operation in patches.items():
        assert {"409", "428"} <= set(operation["responses"]), path
        body = _ref(schema, operation["requestBody"]["content"]["application/json"]["schema"]["$ref"])
        assert "version" in body["properties"], path
        conflict = _ref(schema, operation["responses"]["409"]["content"]["application/json"]["schema"]["$ref"])
        assert set(conflict["properties"]) == {"detail", "code", "current"}, path
        answered = _ref(schema, operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"])
        assert "version" in answered["properties"], path  # what GET and PATCH answer carries the version to send back
