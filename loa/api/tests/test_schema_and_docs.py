import json
import re

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_is_json_and_lists_the_unit_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths["/api/v1/units"]) == {"get", "post"}
    assert set(paths["/api/v1/units/{unit_id}"]) == {"get", "patch"}
    for action in ("move", "deactivate", "reactivate"):
        assert "post" in paths[f"/api/v1/units/{{unit_id}}/{action}"]
    assert "get" in paths["/api/v1/units/kinds"]
    assert "get" in paths["/api/v1/me"]
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerToken"].items()


def test_the_list_schema_documents_the_page_shape(client):
    schema = client.get("/api/v1/openapi.json").json()
    page = schema["components"]["schemas"]["PagedUnitOut"]
    assert set(page["properties"]) == {"items", "count", "page", "page_size", "pages"}


def test_the_docs_page_loads_only_local_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls)
    assert urls and all(u.startswith("/static/") for u in urls), urls
    assert "cdn" not in html.lower()
    assert not re.search(r"https?://", html)
    assert '"url": "/api/v1/openapi.json"' in html


def test_the_docs_files_are_served(client, settings):
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js")
    assert finders.find("ninja/swagger-ui.css")


def test_every_operation_declares_the_errors_it_can_answer(client):
    schema = client.get("/api/v1/openapi.json").json()
    error = {"$ref": "#/components/schemas/Error"}
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"detail", "code"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = operation["responses"]
            label = f"{method.upper()} {path}"
            expected = {"400", "401", "500"}
            if operation.get("parameters") or operation.get("requestBody"):
                expected |= {"404", "422"}
            if method in ("post", "put", "patch", "delete"):
                expected |= {"403", "413"}
            assert expected <= set(declared), (label, sorted(declared))
            for status in expected:
                assert declared[status]["content"]["application/json"]["schema"] == error, (label, status)


def test_no_operation_answers_with_a_deprecated_tuple(api_client, alice, tree):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        response = api_client(alice).post(
            f"/api/v1/fanpages/units/{tree['a'].pk}/likes", {"count": 40}, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["count"] == 40
