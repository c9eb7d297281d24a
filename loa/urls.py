from django.urls import include, path
from django.views.i18n import set_language

from loa.core.pwa import manifest, offline, service_worker
from loa.core.views import favicon
from loa.fanpages.views import short_link
from loa.ops.views import healthz, healthz_web
from loa.sharing.views_links import follow as share_link
from loa.todo.views import home

handler400 = "loa.core.request_limits.bad_request"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("healthz/web", healthz_web, name="healthz_web"),
    path("favicon.ico", favicon, name="favicon"),
    path("manifest.webmanifest", manifest, name="manifest"),
    path("sw.js", service_worker, name="service_worker"),
    path("offline/", offline, name="offline"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("loa.accounts.urls")),
    path("units/", include("loa.units.urls")),
    path("audit/", include("loa.audit.urls")),
    path("jobs/", include("loa.jobs.urls")),
    path("notifications/", include("loa.notifications.urls")),
    path("directives/", include("loa.directives.urls")),
    path("articles/", include("loa.articles.urls")),
    path("api/v1/", include("loa.api.urls")),
    path("fanpages/", include("loa.fanpages.urls")),
    path("scoring/", include("loa.scoring.urls")),
    path("sharing/", include("loa.sharing.urls")),
    path("l/<str:code>", short_link, name="fanpage_short"),
    path("s/<str:code>", share_link, name="share_link"),
]
# No route serves MEDIA_ROOT, even with DEBUG on: every kept file goes out through the view of its
# kind, which checks the user's permission first (loa/core/files.py).
