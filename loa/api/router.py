"""The one API, /api/v1/. Each area adds its router here; the schema is at /api/v1/openapi.json.

To add an area: write `loa/<app>/api.py` (or `loa/api/<area>.py`) with `router = Router(tags=[...])`
and add one line below. See docs/api.md.
"""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from loa.api import errors
from loa.api.auth import BearerToken, BrowserSession
from loa.api.rendering import Renderer

api = NinjaAPI(
    title="Loa API",
    version="1",
    description="REST API of Loa. Authenticate with `Authorization: Bearer <token>` or a signed-in session.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # 'ninja' is in INSTALLED_APPS, so the page uses the swagger-ui files shipped in its package
    # (served from /static/), never a CDN. No validator badge: it would call swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
    auth=[BearerToken(), BrowserSession()],
    renderer=Renderer(),  # date-times at +07:00, never zoneinfo's pre-1906 local mean time
)
errors.install(api)

from loa.api import (
    articles,
    directives,
    fanpages,
    me,
    reminders,
    returned_forms,
    scoring,
    sharing,
    unit_imports,
    unit_remap,
    unit_restructure,
    units,
)

api.add_router("/me", me.router)
api.add_router("/units/imports", unit_imports.router)
api.add_router("/units/restructurings", unit_remap.router)
api.add_router("/units", unit_restructure.router)  # merges and splits
api.add_router("/units", units.router)
api.add_router("/directives", directives.router)
api.add_router("/directives", reminders.router)  # "Nhắc ngay"
api.add_router("/directives", returned_forms.router)
api.add_router("/fanpages", fanpages.router)
api.add_router("/articles", articles.router)
api.add_router("/scoring", scoring.router)
api.add_router("/sharing", sharing.router)
