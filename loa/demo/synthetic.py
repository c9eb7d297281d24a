"""A national union tree at scale, for benchmarks and for trying Loa with realistic volume.

Tổng Liên đoàn Lao động Việt Nam → the 34 provinces and cities of 2025 → about 3,000 upper-level
unions (sector unions, industrial-zone unions, commune and ward unions) → N grassroots unions
whose member counts add up to about 11 million for N = 130,000 (scaled for other N).

Deterministic for a seed. Ids are reserved up front so that every row goes in with its final
materialised path, Vietnamese sort key and search text: one bulk INSERT per batch, no UPDATE.
"""

import random
import time
from contextlib import contextmanager
from datetime import date
from functools import cache

from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from loa.core.text import fold, sort_key
from loa.units import placements, search
from loa.units.kind_services import kinds_ensure
from loa.units.models import Unit, UnitSearchRow

ROOT_CODE = "TLD"
MEMBERS_PER_130K = 11_000_000
UPPERS_PER_130K = 3_000
BATCH = 5_000

# The 34 provincial units after 1 July 2025: (name, is a centrally-run city, weight ≈ share of members)
PROVINCES = [
    ("Hà Nội", True, 11.0),
    ("Thành phố Hồ Chí Minh", True, 17.0),
    ("Hải Phòng", True, 4.5),
    ("Đà Nẵng", True, 2.5),
    ("Huế", True, 1.3),
    ("Cần Thơ", True, 2.0),
    ("Tuyên Quang", False, 1.3),
    ("Cao Bằng", False, 0.6),
    ("Lai Châu", False, 0.5),
    ("Lào Cai", False, 1.4),
    ("Thái Nguyên", False, 2.0),
    ("Điện Biên", False, 0.6),
    ("Lạng Sơn", False, 0.8),
    ("Sơn La", False, 1.0),
    ("Phú Thọ", False, 3.5),
    ("Bắc Ninh", False, 5.0),
    ("Quảng Ninh", False, 2.0),
    ("Hưng Yên", False, 3.0),
    ("Ninh Bình", False, 3.0),
    ("Thanh Hóa", False, 3.2),
    ("Nghệ An", False, 2.8),
    ("Hà Tĩnh", False, 1.2),
    ("Quảng Trị", False, 1.3),
    ("Quảng Ngãi", False, 1.6),
    ("Gia Lai", False, 2.0),
    ("Khánh Hòa", False, 1.6),
    ("Lâm Đồng", False, 2.4),
    ("Đắk Lắk", False, 1.8),
    ("Đồng Nai", False, 6.0),
    ("Tây Ninh", False, 3.5),
    ("Vĩnh Long", False, 2.0),
    ("Đồng Tháp", False, 2.0),
    ("Cà Mau", False, 1.2),
    ("An Giang", False, 2.0),
]

_FIRST = [
    "Tân",
    "Phú",
    "An",
    "Bình",
    "Hòa",
    "Thạnh",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Long",
    "Phước",
    "Hưng",
    "Vĩnh",
    "Quang",
    "Đức",
    "Minh",
    "Thanh",
    "Xuân",
    "Hồng",
    "Kim",
    "Yên",
    "Ngọc",
    "Trung",
    "Hợp",
    "Nghĩa",
    "Thái",
    "Cẩm",
    "Lạc",
    "Thuận",
    "Mỹ",
    "Quỳnh",
    "Đại",
    "Gia",
    "Hải",
]
_SECOND = [
    "Lộc",
    "Hòa",
    "Thành",
    "Phong",
    "Lợi",
    "Thịnh",
    "Hưng",
    "Sơn",
    "Giang",
    "Hải",
    "Điền",
    "Mỹ",
    "Khánh",
    "An",
    "Bình",
    "Tiến",
    "Đạt",
    "Phát",
    "Trung",
    "Lâm",
    "Tân",
    "Hiệp",
    "Quý",
    "Dương",
    "Thủy",
    "Thạch",
    "Châu",
    "Lương",
    "Cường",
    "Xuyên",
    "Yên",
    "Phúc",
    "Nguyên",
    "Tường",
    "Vinh",
]
PLACES = [f"{a} {b}" for a in _FIRST for b in _SECOND if a != b]
_SECTORS = [
    "May mặc",
    "Điện tử",
    "Thực phẩm",
    "Xây dựng",
    "Cơ khí",
    "Giày da",
    "Chế biến gỗ",
    "Thương mại và Dịch vụ",
    "Vận tải",
    "Bao bì",
    "Dược phẩm",
    "Nhựa",
    "Thủy sản",
    "Dệt may",
    "Đầu tư và Phát triển",
    "Vật liệu xây dựng",
    "Nông sản",
    "Linh kiện điện tử",
    "Logistics",
    "Cấp thoát nước",
    "Môi trường đô thị",
]
_FOREIGN = [
    "Sungwoo",
    "Daehan",
    "Hanil",
    "Tokai",
    "Everwin",
    "Jinlong",
    "Dae Myung",
    "Kyungbang",
    "Shinhwa",
    "Pan Pacific",
    "Hoshin",
    "Yuanfeng",
    "Grand Asia",
    "Nichiyo",
    "Seoul Tech",
]
_HOSPITALS = [
    "Bệnh viện Đa khoa khu vực",
    "Trung tâm Y tế khu vực",
    "Bệnh viện Sản – Nhi",
    "Bệnh viện Y học cổ truyền",
    "Bệnh viện Phục hồi chức năng",
]

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Đàm",
    "Nông",
    "Bế",
    "Lương",
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Thanh", "Hồng", "Quang", "Hữu"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuấn",
    "Vân",
    "Yến",
]
MOBILE = [
    "091",
    "094",
    "088",
    "083",
    "098",
    "097",
    "096",
    "086",
    "035",
    "036",
    "039",
    "090",
    "093",
    "077",
    "070",
    "079",
]


@cache
def _fold_word(word):
    return fold(word)


def fast_fold(text):
    """loa.core.text.fold, memoised by word."""
    return " ".join(f for f in (_fold_word(w) for w in text.split()) if f)


def _reserve_ids(n):
    """n fresh primary keys. PostgreSQL hands them out from the sequence, safe beside other writers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [Unit._meta.db_table, n],
            )
            return [row[0] for row in cur.fetchall()]
    start = (Unit.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    return list(range(start, start + n))


def _split(total, weights, minimum):
    """Split `total` into integer parts proportional to weights, each at least `minimum`."""
    s = sum(weights)
    parts = [max(minimum, int(total * w / s)) for w in weights]
    deficit = total - sum(parts)
    order = sorted(range(len(parts)), key=lambda i: -weights[i])
    for k in range(max(0, deficit)):
        parts[order[k % len(parts)]] += 1
    for k in range(max(0, -deficit)):
        j = max(range(len(parts)), key=parts.__getitem__)
        parts[j] -= 1
    return parts


class _Builder:
    def __init__(self, rng, kind_ids):
        self.rng = rng
        self.kind_ids = kind_ids
        self.rows = []

    def person(self):
        r = self.rng
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"

    def phone(self):
        return self.rng.choice(MOBILE) + f"{self.rng.randrange(10_000_000):07d}"

    def add(
        self,
        *,
        pk,
        parent,
        kind,
        code,
        name,
        short_name="",
        members=0,
        staff=0,
        address="",
        active_from=None,
        active_to=None,
    ):
        path = f"{parent.path if parent else '/'}{pk}/"
        unit = _Row(
            id=pk,
            parent_id=parent.id if parent else None,
            path=path,
            depth=path.count("/") - 2,
            kind_id=self.kind_ids[kind],
            code=code,
            name=name,
            short_name=short_name,
            members_count=members,
            staff_count=staff,
            address=address,
            contact_name=self.person(),
            phone="+84" + self.phone()[1:],
            active_from=active_from,
            active_to=active_to,
            name_sort=sort_key(name),
            search_text=fast_fold(f"{code} {name} {short_name}"),
        )
        self.rows.append(unit)
        return unit


class _Row(dict):
    __getattr__ = dict.__getitem__


@contextmanager
def _indexes_rebuilt_after(table, rows):
    """On PostgreSQL, drop the table's plain indexes, yield, and build them again.

    Building an index once over 130,000 rows takes seconds; keeping five of them (two long
    sort-key b-trees, the trigram GIN) up to date row by row takes most of a minute. Indexes that
    back a constraint stay. Runs inside the caller's transaction, so a failure leaves them as
    they were. Only for big loads: the DROP locks the table until commit.
    """
    if connection.vendor != "postgresql" or rows < 10_000:
        yield
        return
    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [table],
        )
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cur:
        # Run the deferred foreign-key checks now: PostgreSQL builds no index over pending ones.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cur.execute(definition)


def _insert(rows):
    """Insert the rows with their ids: COPY on PostgreSQL, executemany elsewhere; no model objects."""
    now = timezone.now()
    fields = Unit._meta.concrete_fields
    defaults = {f.attname: f.get_default() for f in fields}
    defaults.update(created_at=now, updated_at=now)
    columns = [f.column for f in fields]
    attnames = [f.attname for f in fields]
    table = connection.ops.quote_name(Unit._meta.db_table)
    column_sql = ", ".join(connection.ops.quote_name(c) for c in columns)
    values = ([row.get(a, defaults[a]) for a in attnames] for row in rows)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:
                for v in values:
                    copy.write_row(v)
        else:
            sql = f"INSERT INTO {table} ({column_sql}) VALUES ({', '.join(['%s'] * len(columns))})"
            # The sqlite3 driver would store dates its own way: adapt them as Django does.
            adapt = [
                connection.ops.adapt_datetimefield_value
                if f.get_internal_type() == "DateTimeField"
                else connection.ops.adapt_datefield_value
                if f.get_internal_type() == "DateField"
                else None
                for f in fields
            ]
            batch = []
            for v in values:
                batch.append([a(x) if a and x is not None else x for a, x in zip(adapt, v)])
                if len(batch) >= BATCH:
                    cur.executemany(sql, batch)
                    batch = []
            if batch:
                cur.executemany(sql, batch)


def _upper_names(province, is_city, count, rng):
    """(kind, name, type) for the upper-level unions of a province: sectors first, then communes and wards."""
    level = "thành phố" if is_city else "tỉnh"
    sectors = [
        ("cd-nganh", f"Công đoàn ngành Giáo dục {level} {province}", "edu"),
        ("cd-nganh", f"Công đoàn ngành Y tế {level} {province}", "health"),
        ("cd-cap-tren", f"Công đoàn các Khu công nghiệp {level} {province}", "industry"),
        ("cd-cap-tren", f"Công đoàn Cơ quan chính quyền {level} {province}", "state"),
    ]
    result = sectors[: min(count, len(sectors))]
    places = rng.sample(PLACES, count - len(result)) if count > len(result) else []
    for place in places:
        ward = "phường" if rng.random() < (0.6 if is_city else 0.2) else "xã"
        result.append(("cd-cap-tren", f"Công đoàn {ward} {place}", ("commune", ward, place)))
    return result


def _grassroots_name(kind_of_upper, rng):
    """(name, raw member count) of a generated CĐCS, by the kind of union it belongs to."""
    r = rng.random()
    place = rng.choice(PLACES)
    company = (
        f"Công ty TNHH {rng.choice(_FOREIGN)} Việt Nam"
        if rng.random() < 0.25
        else f"Công ty {'TNHH' if rng.random() < 0.6 else 'Cổ phần'} {rng.choice(_SECTORS)} {rng.choice(PLACES)}"
    )
    big_company = int(rng.lognormvariate(5.0, 1.1)) + 10
    if kind_of_upper == "edu":
        level, size = rng.choice([("Mầm non", 25), ("Tiểu học", 35), ("THCS", 40), ("THPT", 70)])
        return f"Trường {level} {place}", int(size * rng.uniform(0.6, 1.5))
    if kind_of_upper == "health":
        if r < 0.3:
            return f"{rng.choice(_HOSPITALS)} {place}", int(rng.uniform(80, 700))
        return f"Trạm Y tế {rng.choice(['xã', 'phường'])} {place}", int(rng.uniform(5, 14))
    if kind_of_upper == "industry":
        return company, big_company
    if kind_of_upper == "state":
        office = rng.choice(
            [
                "Chi cục Thuế khu vực",
                "Kho bạc Nhà nước khu vực",
                "Bảo hiểm xã hội khu vực",
                "Chi cục Thống kê khu vực",
                "Văn phòng Đăng ký đất đai chi nhánh",
            ]
        )
        return f"{office} {place}", int(rng.uniform(15, 90))
    _, ward, home = kind_of_upper
    if r < 0.12:
        return f"Ủy ban nhân dân {ward} {home}", int(rng.uniform(20, 45))
    if r < 0.45:
        level, size = rng.choice([("Mầm non", 25), ("Tiểu học", 35), ("THCS", 40), ("Tiểu học và THCS", 45)])
        return f"Trường {level} {place}", int(size * rng.uniform(0.6, 1.5))
    if r < 0.52:
        return rng.choice(
            [
                f"Hợp tác xã Nông nghiệp {place}",
                f"Quỹ Tín dụng nhân dân {home}",
                f"Bưu điện {ward} {home}",
                f"Chi nhánh Ngân hàng Nông nghiệp và Phát triển nông thôn {place}",
            ]
        ), int(rng.uniform(8, 40))
    return company, big_company


def unit_count(units):
    """How many units a tree with `units` CĐCS holds: the root, the provinces, their upper unions, the CĐCS."""
    return 1 + len(PROVINCES) + _upper_count(units) + units


def _upper_count(units):
    return max(2 * len(PROVINCES), round(units * UPPERS_PER_130K / 130_000))


def plan_synthetic(*, units, seed, ids, kind_ids):
    """The rows of the national tree, without touching the database: `ids` gives each unit its
    primary key in turn, `kind_ids` maps a kind's code to its id. The same seed gives the same
    rows (tests read the 133,035 names of the 130,000-CĐCS tree from here)."""
    rng = random.Random(seed)
    n_uppers = _upper_count(units)
    weights = [w for _, _, w in PROVINCES]
    uppers_per_province = _split(n_uppers, weights, 2)
    b = _Builder(rng, kind_ids)

    root = b.add(
        pk=next(ids),
        parent=None,
        kind="tong-ldld",
        code=ROOT_CODE,
        name="Tổng Liên đoàn Lao động Việt Nam",
        short_name="Tổng LĐLĐVN",
        address="Số 82 Trần Hưng Đạo, phường Cửa Nam, thành phố Hà Nội",
    )
    uppers = []  # (unit, type, province name)
    for p_index, ((province, is_city, _), n_up) in enumerate(zip(PROVINCES, uppers_per_province), start=1):
        level = "thành phố" if is_city else "tỉnh"
        p_code = f"{ROOT_CODE}-{p_index:02d}"
        prov = b.add(
            pk=next(ids),
            parent=root,
            kind="ldld-tinh",
            code=p_code,
            name=f"Liên đoàn Lao động {level} {province}",
            short_name=f"LĐLĐ {province}",
            address=f"{level.capitalize()} {province}",
        )
        for u_index, (kind, name, utype) in enumerate(_upper_names(province, is_city, n_up, rng), start=1):
            unit = b.add(
                pk=next(ids),
                parent=prov,
                kind=kind,
                code=f"{p_code}-{u_index:03d}",
                name=name,
                address=f"{level.capitalize()} {province}",
            )
            uppers.append((unit, utype, f"{level} {province}"))

    # Grassroots unions go to upper unions in proportion to their province's weight.
    upper_weights = [
        weights[int(u.code.split("-")[1]) - 1] / uppers_per_province[int(u.code.split("-")[1]) - 1]
        for u, _, _ in uppers
    ]
    per_upper = _split(units, upper_weights, 1)
    raw = []
    for (upper, utype, where), count in zip(uppers, per_upper):
        for i in range(1, count + 1):
            name, members = _grassroots_name(utype, rng)
            raw.append((upper, utype, where, i, name, max(3, members)))
    scale = MEMBERS_PER_130K * units / 130_000 / max(1, sum(m for *_, m in raw))
    members_total = 0
    for upper, _utype, where, i, name, members in raw:
        members = max(3, round(members * scale))
        staff = members + rng.randrange(0, max(2, members // 8))
        members_total += members
        span = rng.random()
        b.add(
            pk=next(ids),
            parent=upper,
            kind="cdcs",
            code=f"{upper.code}-{i:04d}",
            name=f"Công đoàn cơ sở {name}",
            members=members,
            staff=staff,
            address=f"{where.capitalize()}",
            active_from=date(2025, 7, 1) if span < 0.01 else None,
            active_to=date(2025, 6, 30) if 0.01 <= span < 0.02 else None,
        )
    return b.rows, {"root": root, "uppers": n_uppers, "members": members_total}


def build_synthetic(*, units=130_000, seed=1, log=None):
    """Build the national tree with `units` CĐCS. Returns a summary dict."""
    started = time.monotonic()
    with transaction.atomic():
        if Unit.objects.filter(code=ROOT_CODE).exists():
            raise ValueError(f"A unit with code {ROOT_CODE} exists already: remove the synthetic tree first.")
        kinds = kinds_ensure(by=None).by_code  # the standard kinds, loa.units.kinds
        rows, plan = plan_synthetic(
            units=units,
            seed=seed,
            ids=iter(_reserve_ids(unit_count(units))),
            kind_ids={code: kind.pk for code, kind in kinds.items()},
        )
        generated = time.monotonic()
        with (
            _indexes_rebuilt_after(Unit._meta.db_table, len(rows)),
            _indexes_rebuilt_after(UnitSearchRow._meta.db_table, len(rows)),
        ):
            _insert(rows)  # the unit table's triggers place every unit in the search rows
        placements.open_missing()  # where each unit stands, from its first day
    search.write_due_words()
    done = time.monotonic()
    summary = {
        "units": len(rows),
        "grassroots": units,
        "uppers": plan["uppers"],
        "provinces": len(PROVINCES),
        "members": plan["members"],
        "seconds": round(done - started, 1),
        "insert_seconds": round(done - generated, 1),
        "root": plan["root"],
    }
    if log:
        log(summary)
    return summary


def remove_synthetic():
    """Delete the synthetic tree in one statement (the parent key is checked at commit)."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return 0
    with transaction.atomic():
        qs = Unit.objects.filter(path__startswith=root.path)
        # Rows of other areas that point at these units (a benchmark's roles…) go first.
        for rel in Unit._meta.get_fields(include_hidden=True):
            if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
                continue
            if rel.related_model is Unit:
                continue
            linked = rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": qs.values("pk")})
            if rel.on_delete is models.SET_NULL:
                linked.update(**{rel.field.name: None})
            else:
                linked.delete()
        return qs._raw_delete(qs.db)
