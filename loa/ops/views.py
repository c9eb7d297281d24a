from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from loa.ops.health import run_checks


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitors: 200 when Loa can serve and its work is flowing, else 503."""
    ok, checks = run_checks()
    return JsonResponse({"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503)
