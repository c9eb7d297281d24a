"""Job kinds: a name stored on the Job, and the function that does the work.

Apps register their kinds in a module named `jobs` (`loa/<app>/jobs.py`), found on first use,
so that a worker process knows every kind without importing the whole project by hand.
"""

from django.utils.module_loading import autodiscover_modules

_KINDS = {}
_discovered = False


class JobKind:
    def __init__(self, name, func, result_template=""):
        self.name = name
        self.func = func
        self.result_template = result_template


def register(name, *, result_template=""):
    """@register("units.import") def run(job, **params) -> result dict."""

    def decorator(func):
        _KINDS[name] = JobKind(name, func, result_template)
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
