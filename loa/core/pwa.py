"""Loa as an installable app: the web app manifest and the service worker.

The service worker is served from the site root (not /static/) so that its scope is the whole site;
it keeps only the shell: the files listed in SHELL_FILES (style, scripts, icons), each under its
current static name, so a new deployment's files replace the old ones, and the offline page
(/offline/, rendered without the request: it names no one and links those same static names). It
never keeps another page (every page may carry someone's data) nor anything under /api/: a page
always comes from the network, and only when the network is down is the cached offline page shown
instead.
"""

from __future__ import annotations

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# The static files the service worker keeps: nothing else is ever put in its cache.
SHELL_FILES = (
    "loa/loa.css",
    "loa/loa.js",
    "loa/offline-forms.js",
    "vendor/htmx.min.js",
    "loa/favicon.svg",
    "loa/favicon.png",
    "loa/apple-touch-icon.png",
    "loa/icon-192.png",
    "loa/icon-512.png",
)
ICONS = (("loa/icon-192.png", "192x192"), ("loa/icon-512.png", "512x512"))


def shell_urls() -> list[str]:
    return [static(name) for name in SHELL_FILES] + [reverse("offline")]


def offline(request: HttpRequest) -> HttpResponse:
    """/offline/: what the service worker shows when the network is down. Rendered without the
    request (no user, no token, no cookie read), so the same page is right for everyone who shares
    the phone; its links are the current static names, which the worker keeps beside it."""
    response = HttpResponse(render_to_string("core/offline.html"))
    patch_cache_control(response, public=True, max_age=3600)
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    """/manifest.webmanifest: the name, colours and icons a phone shows for the installed app."""
    body = {
        "name": "Loa",
        "short_name": "Loa",
        "description": _("The communication work of the grassroots unions"),
        "lang": "vi",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f5f6f8",
        "theme_color": "#b3261e",
        "icons": [{"src": static(src), "sizes": sizes, "type": "image/png"} for src, sizes in ICONS],
    }
    response = JsonResponse(body, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=3600)
    return response


SERVICE_WORKER = """\
// Loa's service worker (loa/core/pwa.py): it keeps the shell's static files only, never a page
// or an /api/ answer. Pages always come from the network; when it is down, the offline page.
const CACHE = "loa-shell-%(version)s";
const SHELL = %(shell)s;
const OFFLINE_PAGE = %(offline)s;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_PAGE)));
  }
});
"""


def service_worker(request: HttpRequest) -> HttpResponse:
    """/sw.js: the service worker, named with the shell's current file names (see the module)."""
    urls = shell_urls()
    version = hashlib.sha256("\n".join(urls).encode()).hexdigest()[:12]
    source = SERVICE_WORKER % {
        "version": version,
        "shell": json.dumps(urls),
        "offline": json.dumps(reverse("offline")),
    }
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # A browser checks for a new worker at least daily anyway; no-cache makes a deployment's show at once.
    patch_cache_control(response, no_cache=True)
    return response
