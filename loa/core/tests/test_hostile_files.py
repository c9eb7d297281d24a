"""Every hostile file of the corpus (loa/core/tests/hostile.py) against every import, through its
page, as the user allowed to import: each is refused with a Vietnamese message within 5 seconds,
never a 500, and nothing is stored; and the worker never unpacks a bomb itself: its peak memory
stays under 300 MB.

The imports run in a fresh pytest process (test_every_hostile_file_is_refused_and_the_worker_stays_small),
so that its peak memory is theirs alone; run them here directly with LOA_HOSTILE_RUN=1.
"""

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loa.core.tests.hostile import corpus

ROOT = Path(__file__).resolve().parents[3]
RUNNING = os.environ.get("LOA_HOSTILE_RUN") == "1"
MAX_SECONDS = 5
MAX_WORKER_MB = 300
VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.IGNORECASE)
# Pictures that really are pictures are taken, re-encoded: what follows them in the file is dropped.
PICTURES = {"png that is also html", "png that is also a zip"}


@dataclass
class World:
    client: object
    admin: object
    alice: object
    tree: dict
    task: object
    submission: object


@pytest.fixture
def world(client, tree, admin, alice):
    from loa.articles import services as articles
    from loa.articles.tests.factories import channels
    from loa.directives.tests.factories import fanpage_letter
    from loa.fanpages.models import Fanpage

    for unit, handle in ((tree["a"], "cdcsa"), (tree["province"], "congdoancaobang")):
        url = f"https://www.facebook.com/{handle}"
        Fanpage.objects.create(
            unit=unit,
            name=f"Trang {unit.code}",
            url=url,
            url_key=url,
            admin_name="Nguyễn Văn A",
            admin_phone="+84912345678",
        )
    task = fanpage_letter(tree, by=admin)[1]
    submission = articles.submission_create(
        by=alice, unit=tree["a"], title="Bài", body="Nội dung cũ", channels=channels()
    )
    return World(client, admin, alice, tree, task, submission)


def _flashed(response):
    return [str(m) for m in response.context["messages"] if m.level >= messages.ERROR]


def _unit_list(w, upload):
    w.client.force_login(w.admin)
    response = w.client.post(reverse("units:import"), {"file": upload})
    return response, response.context["errors"] if response.status_code == 400 else []


def _returned_form(w, upload):
    from loa.directives.models import ReturnedFormBatch

    w.client.force_login(w.admin)
    response = w.client.post(reverse("directives:import_start", args=[w.task.pk]), {"files": [upload]}, follow=True)
    batch = ReturnedFormBatch.objects.filter(task=w.task).first()
    return response, [
        p["message"] for f in batch.files.all() for p in f.problems if p["code"] in ("refused", "no_table", "no_rows")
    ]


def _posts(w, upload):
    w.client.force_login(w.alice)
    response = w.client.post(reverse("fanpages:import_posts", args=[w.tree["a"].pk]), {"file": upload}, follow=True)
    return response, _flashed(response)


def _followers(w, upload):
    w.client.force_login(w.admin)
    response = w.client.post(reverse("fanpages:followers", args=[w.tree["province"].pk]), {"file": upload}, follow=True)
    return response, _flashed(response)


def _quotas(w, upload):
    w.client.force_login(w.admin)
    response = w.client.post(reverse("articles:quotas_import") + "?year=2021", {"notice": "812", "file": upload})
    form = response.context["form"] if response.status_code == 200 else None
    return response, [e for errors in form.errors.values() for e in errors] if form else []


def _word_article(w, upload):
    w.client.force_login(w.alice)
    response = w.client.post(reverse("articles:docx", args=[w.submission.pk]), {"docx": upload}, follow=True)
    return response, _flashed(response)


def _article_photo(w, upload):
    w.client.force_login(w.alice)
    response = w.client.post(reverse("articles:photo_add", args=[w.submission.pk]), {"photo": upload}, follow=True)
    return response, _flashed(response)


def _likes_screenshot(w, upload):
    w.client.force_login(w.alice)
    response = w.client.post(
        reverse("fanpages:declare_likes", args=[w.tree["a"].pk]), {"count": 10, "screenshot": upload}, follow=True
    )
    return response, _flashed(response)


IMPORTS = {
    "unit list": _unit_list,
    "returned forms": _returned_form,
    "Fanpage posts": _posts,
    "followers": _followers,
    "quotas": _quotas,
    "article Word file": _word_article,
    "article photo": _article_photo,
    "Likes screenshot": _likes_screenshot,
}


def _stored(w):
    from loa.articles.models import Photo, Quota, Submission
    from loa.directives.models import ReportVersion, ReturnedFormFile
    from loa.fanpages.models import FollowerSnapshot, LikeDeclaration, Post
    from loa.jobs.models import Job
    from loa.units.models import Unit

    return {
        "units": Unit.objects.count(),
        "posts": Post.objects.count(),
        "follower counts": FollowerSnapshot.objects.count(),
        "quotas": Quota.objects.count(),
        "photos": Photo.objects.count(),
        "Like declarations": LikeDeclaration.objects.count(),
        # A returned form read safely but without the table is kept for the admin to type its values in.
        "reports": ReportVersion.objects.count(),
        "refused forms kept": ReturnedFormFile.objects.exclude(file="").filter(parsed__error="refused").count(),
        "article text": Submission.objects.get(pk=w.submission.pk).body,
        "jobs": Job.objects.count(),
    }


@pytest.mark.skipif(not RUNNING, reason="run by test_every_hostile_file_is_refused_and_the_worker_stays_small")
@pytest.mark.parametrize("import_name", IMPORTS)
def test_every_hostile_file_is_refused_by_this_import(world, import_name):
    failures = []
    for file_name, (filename, data) in corpus().items():
        before = _stored(world)
        started = time.monotonic()
        response, errors = IMPORTS[import_name](world, SimpleUploadedFile(filename, data))
        seconds = time.monotonic() - started
        after = _stored(world)
        changed = sorted(k for k in before if before[k] != after[k])
        accepted = import_name in ("article photo", "Likes screenshot") and file_name in PICTURES
        problems = []
        if response.status_code >= 500:
            problems.append(f"answered {response.status_code}")
        if seconds > MAX_SECONDS:
            problems.append(f"took {seconds:.1f} s")
        if accepted:
            if errors or changed != ["photos" if import_name == "article photo" else "Like declarations"]:
                problems.append(f"a real picture was not taken: {errors} {changed}")
        else:
            if not errors or not all(VIETNAMESE.search(e) for e in errors):
                problems.append(f"no Vietnamese refusal: {errors}")
            if changed:
                problems.append(f"stored: {changed}")
        if problems:
            failures.append(f"{file_name}: {'; '.join(problems)}")
    assert not failures, f"{import_name}:\n" + "\n".join(failures)


@pytest.mark.skipif(not RUNNING, reason="only in the fresh process")
def test_zz_the_worker_peak_memory_is_recorded():
    """Last in the fresh process: its peak memory, for the test below. VmHWM, not ru_maxrss: Linux keeps
    ru_maxrss across exec, so a process started by a big one would start from the big one's size."""
    status = Path("/proc/self/status").read_text()
    peak = int(re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE).group(1)) // 1024
    if os.environ.get("LOA_HOSTILE_RSS_FILE"):
        Path(os.environ["LOA_HOSTILE_RSS_FILE"]).write_text(str(peak))


@pytest.mark.skipif(RUNNING, reason="this is the fresh process")
def test_every_hostile_file_is_refused_and_the_worker_stays_small(tmp_path):
    env = dict(os.environ, LOA_HOSTILE_RUN="1", LOA_HOSTILE_RSS_FILE=str(tmp_path / "rss"))
    # Its own test database, beside the one this process uses: on PostgreSQL another name; on SQLite
    # the file loa/test_settings.py makes in the fresh process's own directory.
    env["LOA_TEST_DB_NAME"] = os.environ.get("LOA_TEST_DB_NAME", "test_loa") + "_hostile"
    if env.get("DATABASE_URL", "").startswith("sqlite"):
        del env["DATABASE_URL"]
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "-p", "no:randomly", __file__],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-3000:]
    peak = int((tmp_path / "rss").read_text())
    assert peak < MAX_WORKER_MB, f"the worker's peak memory was {peak} MB"
    print(f"corpus × imports in {time.monotonic() - started:.0f} s, worker peak {peak} MB")
