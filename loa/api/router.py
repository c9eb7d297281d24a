"""The one API, /api/v1/. Each area adds its router here; the schema is at /api/v1/openapi.json."""

from ninja import NinjaAPI

api = NinjaAPI(title="Loa API", version="1", urls_namespace="api", openapi_url="/openapi.json", docs_url="/docs")
