"""What a to-do list is made of: items (one thing to do, one tap from its form) in sections (one
per role, or per unit for an officer), and the order of urgency.

An item's `kind` is a stable code for programs (the API answers it); its words are for people.
"""

from dataclasses import dataclass, field
from datetime import datetime

OFFICER, EDITOR, ADMIN, LEADER = "officer", "editor", "admin", "leader"


@dataclass
class Item:
    kind: str
    title: str
    url: str
    action: str  # the words of the tap: "Báo cáo ngay", "Sửa và gửi lại"
    detail: str = ""
    when: str = ""  # a few words on time: "còn 7 ngày", "quá hạn 2 ngày", "đã chờ 4 ngày"
    due: datetime | None = None  # the instant it is due, when it has one
    overdue: bool = False
    count: int | None = None  # how many things the item stands for, when it stands for several
    tone: str = ""  # how it looks: "bad" (overdue), "warn" (returned, soon), "info", "ok"


@dataclass
class Link:
    label: str
    url: str


@dataclass
class Section:
    role: str
    title: str
    empty: str  # what the section says when nothing is to do
    unit: object = None  # the unit an officer's section is about
    items: list = field(default_factory=list)
    links: list = field(default_factory=list)  # "see all" links below the items

    def ordered(self):
        self.items = by_urgency(self.items)
        return self


def urgency(item):
    """Overdue first (the longest overdue first), then by due date, then the rest as built."""
    if item.due is None:
        return (2, 0)
    return (0 if item.overdue else 1, item.due.timestamp())


def by_urgency(items):
    return sorted(items, key=urgency)  # stable: the undated keep the order their section gave them
