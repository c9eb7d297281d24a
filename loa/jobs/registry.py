"""Job kinds: a name stored on the Job, and the function that does the work.

Apps register their kinds in a module named `jobs` (`loa/<app>/jobs.py`), found on first use,
so that a worker process knows every kind without importing the whole project by hand.

A kind is run again when its worker stopped mid-way (loa/jobs/leases.py), so it must be safe to
repeat after a crash at any point: all or nothing in one transaction, or idempotent writes. A kind
that is not registers with retry=False, and its crashed runs are marked failed instead.
"""

from django.utils.module_loading import autodiscover_modules

_KINDS = {}
_discovered = False


class JobKind:
    def __init__(self, name, func, result_template="", retry=True):
        self.name = name
        self.func = func
        self.result_template = result_template
        self.retry = retry


def register(name, *, result_template="", retry=True):
    """@register("units.import") def run(job, **params) -> result dict.

    retry=False: a run whose worker stopped is marked failed rather than run again.
    """

    def decorator(func):
        _KINDS[name] = JobKind(name, func, result_template, retry)
        return func

    return decorator


def get_kind(name):
    global _discovered
    if name not in _KINDS and not _discovered:
        autodiscover_modules("jobs")
        _discovered = True
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"Unknown job kind {name!r}") from None
