from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from loa.ops.health import run_checks, run_web_checks


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when Loa can serve and its work is flowing, else 503."""
    return _answer(*run_checks())


@never_cache
@require_safe
def healthz_web(request):
    """For a load balancer's health check of one web server: 200 while it can serve pages."""
    return _answer(*run_web_checks())


def _answer(ok, checks):
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
