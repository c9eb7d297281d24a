"""A phone-first check over every page: each role of the demo logs in on a 390×844 phone and a crawler
follows the links of the menu and the home page, and of the pages they lead to, two steps deep. Every
page it reaches must not scroll sideways, must offer tap targets of 44×44 px at least (links inside a
sentence excepted), must show no English text and no event code, and axe-core must find no serious
or critical accessibility violation.

The crawl is not a list kept by hand: a new page reachable from the menus is checked the day it
appears. Pages of the same shape (/units/12/ and /units/13/) are visited once.
"""

import pathlib
import re
from io import StringIO
from urllib.parse import urljoin, urlsplit

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

from conftest import browser_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROOT = pathlib.Path(settings.BASE_DIR)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ROLES = ["admin", "bientap", "lanhdao", "canbo1"]
DEPTH = 2
MAX_PAGES = 60  # per role: the demo's menus reach thirty to forty-five shapes of page
# Links the crawler does not follow: leaving, files, and actions that change state on GET's far side.
SKIP = re.compile(
    r"/accounts/logout|/i18n/|/admin/|/api/|/static/|/files?/|/download|/export|/poster|format=|"
    r"\.(?:xlsx|csv|docx|pdf|png|jpg|zip)(?:$|\?)|/print/|#"
)
EVENT_CODE = re.compile(
    r"\b(?:unit|unit_kind|user|role|api_token|login|directive|article|fanpage|scoring|notifications|integrations)"
    r"(?:\.[a-z_]+)+\b"
)
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def english_texts():
    """A pattern matching a whole text that is one of the English texts Loa translates (its
    placeholders standing for anything), long enough not to be a Vietnamese word or a name too."""
    patterns = set()
    for path in ROOT.glob("loa/**/locale/vi/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(path)):
            text = " ".join(entry.msgid.split())
            literal = PLACEHOLDER.sub(" ", text)
            if not entry.msgstr or entry.msgstr == entry.msgid or len(re.findall(r"[A-Za-z]{2,}", literal)) < 2:
                continue
            parts = PLACEHOLDER.split(text)
            patterns.add(".+?".join(re.escape(part) for part in parts))
    return re.compile("|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True)))


def shape(url):
    """/units/12/?page=2 and /units/13/ have one shape: the path with numbers replaced, without query."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + ("?" + re.sub(r"=[^&]*", "", parts.query) if parts.query else "")


PAGE_CHECKS = """
() => {
  const problems = [];
  const width = document.documentElement.scrollWidth;
  if (width > window.innerWidth + 1) problems.push(`scrolls sideways: ${width} px wide`);
  const visible = (el) => {
    const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  // A link inside a sentence: its block holds other text than the link's own.
  const inSentence = (el) => {
    const block = el.closest('p, li, dd, td, th, figcaption, .help, .small, label, span.muted') || el.parentElement;
    if (!block || block === el) return false;
    const own = (el.innerText || '').trim().length;
    const all = (block.innerText || '').trim().length;
    return all > own + 2;
  };
  const targetOf = (el) => {
    // A checkbox or radio is tapped through its label.
    if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) return el.closest('label');
    if ((el.type === 'checkbox' || el.type === 'radio') && el.id) {
      const label = document.querySelector(`label[for="${el.id}"]`); if (label) return label;
    }
    return el;
  };
  const small = [];
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]')) {
    if (!visible(el)) continue;
    if (el.tagName === 'A' && inSentence(el)) continue;
    const r = targetOf(el).getBoundingClientRect();
    if (r.width < 44 - 0.5 || r.height < 44 - 0.5) {
      small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || el.getAttribute('aria-label') || '').trim().slice(0, 30)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  if (small.length) problems.push('small tap targets: ' + small.slice(0, 6).join('; '));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = new Set();
  let node;
  while ((node = walker.nextNode())) {
    if (!node.parentElement || !visible(node.parentElement)) continue;
    if (node.parentElement.closest('script, style, code, pre, textarea, [translate=no]')) continue;
    const text = node.textContent.trim().replace(/\\s+/g, ' ');
    if (text) texts.add(text);
  }
  return [problems, [...texts]];
}
"""


def page_problems(page, english):
    problems, texts = page.evaluate(PAGE_CHECKS)
    shown = sorted({t for t in texts if english.fullmatch(t)})
    if shown:
        problems.append("English: " + " | ".join(shown[:5]))
    codes = sorted({m[0] for t in texts for m in EVENT_CODE.finditer(t)})
    if codes:
        problems.append("event codes: " + ", ".join(codes[:5]))
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    problems += [f"axe {v['id']} ({v['impact']}): {v['nodes'][0]['target']} {v['help']}" for v in serious]
    return problems


def links(page, base):
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href)
        if url.startswith(base) and not SKIP.search(url):
            found.append(url)
    return found


def crawl(page, english):
    """{url: [problems]} for the pages reachable from the home page (and its menu) of the logged-in user."""
    base = page.base_url
    seen_shapes, report = set(), {}
    frontier = [base + "/"]
    for _depth in range(DEPTH + 1):
        following = []
        for url in frontier:
            if shape(url) in seen_shapes or len(seen_shapes) >= MAX_PAGES:
                continue
            seen_shapes.add(shape(url))
            response = page.goto(url)
            if response is None or response.status >= 400 or not page.url.startswith(base):
                report[url] = (
                    [f"HTTP {response.status if response else '?'}"] if response and response.status >= 500 else []
                )
                continue
            problems = page_problems(page, english)
            if problems:
                report[url] = problems
            following += links(page, base)
        frontier = following
    return {url: problems for url, problems in report.items() if problems}, seen_shapes


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # the demo command refuses to load otherwise
    call_command("demo", "--if-empty", stdout=StringIO())
    settings.DEBUG = False


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_reaches_fits_a_phone_and_speaks_vietnamese(demo, phone, username):
    assert AXE.exists(), "axe-core is missing: `make test` installs it (npm ci)"
    browser_login(phone, username, "loa-demo")
    problems, visited = crawl(phone, english_texts())
    assert len(visited) >= 8, visited  # the crawl did reach the role's pages
    assert problems == {}, "\n".join(f"{url}\n  " + "\n  ".join(p) for url, p in problems.items())
