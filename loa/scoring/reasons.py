"""The reason of a unit's score in one short sentence: what holds it back ("Thiếu 3 bài, 40 ngày không
đăng bài, chưa báo cáo Fanpage.") or what lifts it ("Đạt điểm tối đa mọi tiêu chí; cộng điểm: 2 bài
chuyên sâu."). The ranking's rows, its export, the unit's page and the API all say it with this
module, from a result's points and readings (a running score or a stored row alike): no query.

What holds a unit back are the criteria that lost points, the most lost first, each said by its
measure (`Measure.lack`); a criterion whose reading shows no lack (an adjustment, a manual criterion)
is said by its points. What lifts it are the bonus criteria that gave points (`Measure.credit`),
named when fewer than two criteria hold it back.
"""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from loa.scoring import engine, measures
from loa.scoring.rules import points_text, stored_centi

# A short sentence names two things at the most: the criteria that lost the most points, then, if
# there is room, the bonus criteria that gave the most; the other criteria that lost points are counted.
MOST_PHRASES = 2
SCALARS = (str, int, float, bool, type(None))  # what a stored reading holds (anything else is said by its points)


class Reasons:
    """The reason sentences of any number of units under one rubric. The phrase of each criterion and
    reading is worked out once: a ranking holds far fewer different readings than units."""

    def __init__(self, book):
        self.plan = [
            (code, measures.get(key) if key else None, top, rule, spec.is_bonus, criterion.name)
            for (code, key, top, rule), spec, criterion in zip(book.compiled(), book.specs, book.criteria)
        ]
        self.phrases = {}
        self.sentences = {}  # the sentence of each (holds said, holds left, lifts said): translated once

    def of_result(self, result):
        """The sentence of an engine Result (points in hundredths; None for a damaged stored figure)."""
        return self.sentence(result.points, result.readings)

    def of_score(self, score):
        """The sentence of a stored Score row, from its points and readings as stored."""
        points = {code: stored_centi(value) for code, value in (score.points or {}).items()}
        readings = {
            code: tuple(value)
            for code, value in (score.readings or {}).items()
            if isinstance(value, list) and all(isinstance(v, SCALARS) for v in value)
        }
        return self.sentence(points, readings)

    def sentence(self, points, readings):
        holds, lifts = [], []
        for order, (code, m, top, rule, is_bonus, name) in enumerate(self.plan):
            got = points.get(code)
            if got is None:
                continue  # a damaged figure: the page says so above
            if is_bonus and got > 0:
                lifts.append((-got, order, self._phrase(code, m, readings.get(code), got, top, rule, name, bonus=True)))
            elif not is_bonus and got < top:
                holds.append(
                    (got - top, order, self._phrase(code, m, readings.get(code), got, top, rule, name, bonus=False))
                )
        holds.sort()
        lifts.sort()
        said = tuple(phrase for _lost, _order, phrase in holds[:MOST_PHRASES])
        room = MOST_PHRASES - len(said) if holds else MOST_PHRASES - 1
        key = (said, len(holds) - len(said), tuple(phrase for _got, _order, phrase in lifts[: max(room, 0)]))
        if key not in self.sentences:
            self.sentences[key] = _join(*key)
        return self.sentences[key]

    def _phrase(self, code, m, reading, got, top, rule, name, *, bonus):
        """The measure's words for the reading (worked out once per criterion and reading), else the
        criterion's points."""
        key = (code, reading)
        if key not in self.phrases:
            phrase = None
            if m is not None and reading is not None and len(reading) == 2:
                try:
                    if bonus:
                        phrase = m.credit(reading) if m.credit else None
                    elif m.lack:
                        needed = engine.still_needed(rule, reading) if m.kind == measures.COUNT else 0
                        phrase = m.lack(reading, needed)
                except (TypeError, ValueError, ArithmeticError):
                    phrase = None  # a reading stored in another shape: said by its points below
            self.phrases[key] = str(phrase) if phrase else None
        if self.phrases[key] is not None:
            return self.phrases[key]
        return _("%(criterion)s: %(points)s of %(max)s points") % {
            "criterion": name,
            "points": points_text(got),
            "max": points_text(top),
        }


def _join(said, rest, lifts):
    text = ", ".join(said) if said else _("full points on every criterion")
    if rest:
        text += " " + ngettext("and %(n)s more criterion", "and %(n)s more criteria", rest) % {"n": rest}
    if lifts:
        text += "; " + _("bonus: %(items)s") % {"items": ", ".join(lifts)}
    return text[:1].upper() + text[1:] + "."


def reason(book, result):
    """The reason sentence of one unit's result (the unit's page, the API's score)."""
    return Reasons(book).of_result(result)
