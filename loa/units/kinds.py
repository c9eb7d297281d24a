"""The standard kinds of unit of the Vietnamese trade-union tree, as data, in one place.

`manage.py loa_init`, the demo scenario and the synthetic national tree all create them with
`loa.units.kind_services.kinds_ensure`, which adds the missing ones by code and never renames
or changes a kind that exists: an administrator may have renamed it on the unit kinds page.
Other kinds are added there too; the tree accepts any kind at any depth.
"""

from typing import NamedTuple


class StandardKind(NamedTuple):
    code: str
    name: str
    is_grassroots: bool
    order: int


STANDARD_KINDS = (
    StandardKind("tong-ldld", "Tổng Liên đoàn Lao động Việt Nam", False, 0),
    StandardKind("ldld-tinh", "Liên đoàn Lao động tỉnh, thành phố", False, 1),
    StandardKind("cd-nganh", "Công đoàn ngành", False, 2),
    StandardKind("cd-cap-tren", "Công đoàn cấp trên trực tiếp cơ sở", False, 3),
    # The units the letter addresses: they report, post and are scored.
    StandardKind("cdcs", "Công đoàn cơ sở", True, 4),
    StandardKind("cd-bo-phan", "Công đoàn bộ phận", False, 5),
)

STANDARD_CODES = tuple(kind.code for kind in STANDARD_KINDS)

# The kind of a new installation's top-level unit unless told otherwise (a provincial union).
DEFAULT_ROOT_KIND = "ldld-tinh"

# The usual kind of a unit's children, by the parent's kind: what a unit list without a kind column
# gives a new unit whose parent has no children yet to learn from.
CHILD_KINDS = {
    "tong-ldld": "ldld-tinh",
    "ldld-tinh": "cd-cap-tren",
    "cd-nganh": "cdcs",
    "cd-cap-tren": "cdcs",
    "cdcs": "cd-bo-phan",
}
