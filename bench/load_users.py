"""The load test's users, for locust (bench/load.py runs it headless; see there for the runs).

The mix (LOAD_MIX=mix), people of four provinces (bench/load_data.py made them):
- officers (CĐCS, 70 %) open their to-do list (the home page), correct their Fanpage report, and
  write an article with a photo and send it to the editors;
- editors (10 %) open their review queue, take the oldest piece and accept it;
- province admins (10 %) open the tracking page (whole province, the missing ones, a search, one
  upper-level union) and export a consolidated xlsx of one upper-level union;
- leaders (10 %) open the year's ranking.
LOAD_MIX=deadline adds LOAD_FILERS officers who each open a one-tap link from the morning's reminder
(LOAD_LINKS, taken in turn) and file their unit's report, once every LOAD_FILE_EVERY seconds.

Each user signs in once, with an account of its own and the right password, so the log-in throttle
(which counts failures per address and account) is never touched. Every answer is checked: its
status and a Vietnamese text of the page, so that an error page counts as an error. Each request
is appended to LOAD_RECORDS (time, name, ms, ok, status) for bench/load.py's figures. LOAD_STEPS
("users:seconds,…") steps the number of users up (the curve); LOAD_THINK ("min,max" seconds) is the
think time between two tasks.
"""

import io
import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import FastHttpUser, LoadTestShape, between, constant_pacing, events, task
from urllib3 import encode_multipart_formdata

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.production_stack import Forms

SITE = os.environ.get("LOAD_SITE", "https://localhost:8200")
DATA = json.loads(Path(os.environ["LOAD_DATA"]).read_text()) if os.environ.get("LOAD_DATA") else {}
PASSWORD = os.environ.get("LOAD_PASSWORD", "")
THINK = tuple(float(x) for x in os.environ.get("LOAD_THINK", "1,5").split(","))
MIX = os.environ.get("LOAD_MIX", "mix")
_records = open(os.environ["LOAD_RECORDS"], "a", buffering=1 << 16) if os.environ.get("LOAD_RECORDS") else None  # noqa: SIM115


@events.request.add_listener
def record(request_type, name, response_time, response_length, response=None, exception=None, start_time=None, **kw):
    if _records is not None:
        status = getattr(response, "status_code", 0) if response is not None else 0
        _records.write(f"{start_time:.3f}\t{name}\t{response_time:.1f}\t{0 if exception else 1}\t{status}\n")


@events.quitting.add_listener
def close_records(**_kw):
    if _records is not None:
        _records.flush()


def _photo():
    """A phone photo's worth of JPEG (noise compresses badly: about 200 KB)."""
    from PIL import Image

    image = Image.effect_noise((1024, 768), 40).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


PHOTO = _photo() if MIX in ("mix", "deadline") else b""


def _accounts(role):
    """The role's accounts, each handed to one locust user in turn (never two users on one account)."""
    return itertools.cycle(DATA.get("users", {}).get(role, []))


ACCOUNTS = {role: _accounts(role) for role in ("officer", "editor", "admin", "leader")}


class Person(FastHttpUser):
    """A signed-in person of one role. Requests are named by what they do, so figures group by page."""

    abstract = True
    host = SITE
    insecure = True  # the stack's self-signed certificate
    wait_time = between(*THINK)
    role = ""
    network_timeout = connection_timeout = 60.0

    def on_start(self):
        account = next(ACCOUNTS[self.role])
        self.username, self.unit = account["username"], account["unit"]
        self.task_id, self.year = DATA["task"], DATA["year"]
        page = self.page("/accounts/login/", "sign in: page", "Đăng nhập")
        self.post_form("/accounts/login/", page, "sign in", {"username": self.username, "password": PASSWORD})

    # --- checked requests ---------------------------------------------------------------
    def page(self, path, name, text, status=200):
        """GET `path`; an answer without `status` and `text` counts as an error. Returns its HTML."""
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            body = response.text or ""
            if response.status_code != status:
                response.failure(f"{response.status_code}, expected {status}")
            elif text and text not in body:
                response.failure(f"no “{text}” on the page")
            return body

    def post(self, path, name, data, status=302, files=None):
        """POST a form as a browser would (its Referer, the CSRF token in `data`); returns Location."""
        fields = list(data.items()) if isinstance(data, dict) else list(data)
        if files:
            body, content_type = encode_multipart_formdata(fields + files)
        else:
            from urllib.parse import urlencode

            body, content_type = urlencode(fields), "application/x-www-form-urlencoded"
        headers = {"Referer": SITE + path, "Content-Type": content_type}
        with self.client.post(
            path, data=body, headers=headers, name=name, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != status:
                errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)</', response.text or "", re.DOTALL)
                response.failure(f"{response.status_code}, expected {status}: {errors[:3]}")
                return None
            return response.headers.get("location")

    def post_form(self, path, html, name, values, *, with_field=None, files=None, extra=()):
        """Fill the page's POST form (the one with `with_field`, else the first that is not the
        log-out or language form) with `values` and send it."""
        forms = [
            f
            for f in Forms.read(html)
            if f["method"] == "post"
            and f["action"] not in ("/accounts/logout/", "/i18n/setlang/")
            and (with_field is None or with_field in f["fields"])
        ]
        if not forms:
            # Counted as an error of the page's request name.
            events.request.fire(
                request_type="POST",
                name=name,
                response_time=0,
                response_length=0,
                exception=Exception("no form on the page"),
                start_time=__import__("time").time(),
            )
            return None
        form = forms[0]
        data = {k: v for k, v in form["fields"].items() if v is not None}
        data.update(values)
        return self.post(form["action"] or path, name, list(data.items()) + list(extra), files=files)


class Officer(Person):
    weight = 70
    role = "officer"

    @task(6)
    def todo(self):
        self.page("/", "officer: to-do (home)", "Xin chào")

    @task(3)
    def correct_report(self):
        path = f"/directives/tasks/{self.task_id}/units/{self.unit}/report/"
        html = self.page(path, "report: form", "Báo cáo Trang Fanpage")
        where = self.post_form(
            path,
            html,
            "report: send",
            {"admin_name": random.choice(["Nguyễn Thị Hằng", "Trần Văn Bình", "Lê Thị Hoa"]), "note": ""},
            with_field="admin_phone",
        )
        if where:
            self.page(where, "report: receipt", "Báo cáo")

    @task(1)
    def article(self):
        path = f"/articles/units/{self.unit}/new/"
        html = self.page(path, "article: new", "Viết tin, bài")
        where = self.post_form(
            path,
            html,
            "article: send with a photo",
            {
                "kind": "news",
                "title": "Công đoàn cơ sở tổ chức hội thao chào mừng ngày thành lập",
                "body": "Sáng nay, Công đoàn cơ sở đã tổ chức hội thao cho đoàn viên.\n\nHơn 100 đoàn viên tham gia.",
                "authors": "Nguyễn Văn An",
                "caption": "Đoàn viên tham gia hội thao",
            },
            with_field="edit_session",
            files=[("photo", ("hoi-thao.jpg", PHOTO, "image/jpeg"))],
            extra=[("send", "1"), *(("channels", v) for v in re.findall(r'name="channels" value="(\d+)"', html)[:1])],
        )
        if where:
            self.page(where, "article: sent", "Tin, bài")


class Editor(Person):
    weight = 10
    role = "editor"

    @task(3)
    def queue(self):
        html = self.page("/articles/review/", "editor: review queue", "Tin, bài chờ biên tập")
        pieces = re.findall(r'href="/articles/(\d+)/"', html)
        if not pieces:
            return
        pk = pieces[0]
        detail = self.page(f"/articles/{pk}/", "editor: piece", "Tin, bài")
        for action in ("start", "accept"):
            forms = [f for f in Forms.read(detail) if f["action"] == f"/articles/{pk}/review/"]
            if not forms:
                return  # another editor has it
            fields = {k: v for k, v in forms[0]["fields"].items() if v is not None}
            if self.post(f"/articles/{pk}/review/", f"editor: {action}", {**fields, "action": action}) is None:
                return
            detail = self.page(f"/articles/{pk}/", "editor: piece", "Tin, bài")


class Admin(Person):
    weight = 10
    role = "admin"

    def on_start(self):
        super().on_start()
        html = self.page(f"/directives/tasks/{self.task_id}/tracking/", "admin: tracking, province", "Theo dõi")
        units = re.findall(r"[?&]unit=(\d+)", html)
        self.uppers = units[:20] or [str(self.unit)]

    @task(4)
    def tracking(self):
        self.page(f"/directives/tasks/{self.task_id}/tracking/", "admin: tracking, province", "Theo dõi")

    @task(2)
    def missing(self):
        self.page(f"/directives/tasks/{self.task_id}/tracking/?state=pending", "admin: tracking, missing", "Theo dõi")

    @task(2)
    def search(self):
        query = random.choice(["truong", "benh vien", "cong ty", "uy ban"])
        self.page(f"/directives/tasks/{self.task_id}/tracking/?q={query}", "admin: tracking, search", "Theo dõi")

    @task(2)
    def upper(self):
        unit = random.choice(self.uppers)
        self.page(f"/directives/tasks/{self.task_id}/tracking/?unit={unit}", "admin: tracking, one union", "Theo dõi")

    @task(1)
    def export(self):
        unit = random.choice(self.uppers)
        with self.client.get(
            f"/directives/tasks/{self.task_id}/consolidated.xlsx?unit={unit}",
            name="admin: consolidated xlsx, one union",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or not (response.content or b"").startswith(b"PK"):
                response.failure(f"{response.status_code}, not an xlsx")


class Leader(Person):
    weight = 10
    role = "leader"

    @task(3)
    def ranking(self):
        self.page(f"/scoring/{self.year}/", "leader: ranking", "Xếp loại")

    @task(1)
    def lagging(self):
        self.page(f"/scoring/{self.year}/?level=lagging&sort=total", "leader: ranking, lagging", "Xếp loại")


# --- The deadline day: officers filing from the reminder's one-tap link ---------------------------

LINKS = iter(json.loads(Path(os.environ["LOAD_LINKS"]).read_text())) if os.environ.get("LOAD_LINKS") else iter(())
FILERS = int(os.environ.get("LOAD_FILERS", "0"))


class Filer(FastHttpUser):
    """An officer opening the morning reminder's one-tap link and filing the report, from a phone."""

    weight = 1  # only in the deadline replay: its fixed_count users, whatever the weights
    fixed_count = FILERS
    host = SITE
    insecure = True
    wait_time = constant_pacing(float(os.environ.get("LOAD_FILE_EVERY", "3")))
    network_timeout = connection_timeout = 60.0
    page = Person.page
    post = Person.post
    post_form = Person.post_form

    @task
    def file_report(self):
        link = next(LINKS, None)
        if link is None:
            self.stop()
            return
        self.client.cookiejar.clear()  # each link is another officer's phone
        path = link.removeprefix(SITE)
        html = self.page(path, "one-tap: open", "Báo cáo")
        where = self.post_form(path, html, "one-tap: sign in", {})
        if not where:
            return
        form = self.page(where, "report: form (one-tap)", "Báo cáo Trang Fanpage")
        unit = re.search(r"/units/(\d+)/", where).group(1)
        receipt = self.post_form(
            where,
            form,
            "report: file (one-tap)",
            {
                "name": f"Công đoàn cơ sở số {unit}",
                "url": f"https://www.facebook.com/cdcs.{unit}",
                "admin_name": "Phạm Thị Lan",
                "admin_phone": "0912 345 678",
                "note": "",
            },
            with_field="admin_phone",
        )
        if receipt:
            self.page(receipt, "report: receipt (one-tap)", "Báo cáo")


if MIX == "mix":
    Filer.fixed_count = 0
    Filer.abstract = True


# --- The curve: users stepped up ----------------------------------------------------------------

if os.environ.get("LOAD_STEPS"):
    STEPS = [tuple(int(x) for x in step.split(":")) for step in os.environ["LOAD_STEPS"].split(",")]

    class Steps(LoadTestShape):
        """Each step's users for its seconds, then stop; users are added, never restarted."""

        def tick(self):
            elapsed, at = self.get_run_time(), 0
            for users, seconds in STEPS:
                at += seconds
                if elapsed < at:
                    return users, max(users, 10)
            return None
