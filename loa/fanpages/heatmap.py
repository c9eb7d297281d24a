"""A year calendar of posting days as server-rendered SVG (weeks as columns, Monday on top)."""

from datetime import date, timedelta

from django.utils.html import escape
from django.utils.translation import gettext as _

CELL, GAP = 11, 2
COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#216e39")


def colour(posts):
    if not posts:
        return COLOURS[0]
    return COLOURS[1] if posts == 1 else COLOURS[2] if posts <= 3 else COLOURS[3]


def heat_map_svg(days, year, *, start=None, end=None):
    """`days`: {date: posts}. Days outside [start, end] (not expected) are drawn hollow."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    origin = first - timedelta(days=first.weekday())
    weeks = (last - origin).days // 7 + 1
    top, left = 14, 0
    width, height = left + weeks * (CELL + GAP), top + 7 * (CELL + GAP)
    parts = [
        f'<svg class="heatmap" viewBox="0 0 {width} {height}" width="100%" role="img" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(_('Posting days in %(year)s') % {'year': year})}</title>",
    ]
    for month in range(1, 13):
        d = date(year, month, 1)
        x = left + ((d - origin).days // 7) * (CELL + GAP)
        parts.append(f'<text x="{x}" y="10" font-size="9" fill="#6b7280">{month}</text>')
    # The days' common stroke is set once on their group; only days not expected override it. Each day
    # is named by its title (the date and its posts), which is also what a test or a screen reader finds.
    parts.append('<g stroke="#d0d7de" stroke-width="0.5">')
    no_post, n_posts = _("no post"), _("%(n)s posts")  # translated once, not 365 times
    d = first
    while d <= last:
        offset = (d - origin).days
        x, y = left + (offset // 7) * (CELL + GAP), top + (offset % 7) * (CELL + GAP)
        posts = days.get(d, 0)
        expected = (start is None or d >= start) and (end is None or d <= end)
        fill = colour(posts) if (expected or posts) else "#ffffff"
        label = f"{d:%d/%m/%Y}: " + (n_posts % {"n": posts} if posts else no_post)
        thin = "" if expected else ' stroke-width="0.3"'
        parts.append(
            f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="2" fill="{fill}"{thin} data-posts="{posts}">'
            f"<title>{label}</title></rect>"
        )
        d += timedelta(days=1)
    parts.append("</g></svg>")
    return "".join(parts)
