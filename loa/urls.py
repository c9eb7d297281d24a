from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.i18n import set_language

from loa.accounts.views_home import home
from loa.fanpages.views import short_link
from loa.ops.views import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
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
    path("l/<str:code>", short_link, name="fanpage_short"),
]
# Under /api/ a request Django refuses is answered in JSON (413 for a body too large).
handler400 = "loa.api.fallback.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
