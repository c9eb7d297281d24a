"""The reason of a unit's score in one short sentence: what holds it back ("Thiếu 3 bài, 40 ngày không
đăng bài và 1 tiêu chí khác.") or what lifts it ("Đạt điểm tối đa mọi tiêu chí; cộng điểm: 2 bài
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
        self.centi = {}  # stored points -> hundredths: a few hundred different values among all the rows

    def of_result(self, result):
        """The sentence of an engine Result (points in hundredths; None for a damaged stored figure)."""
        return self.sentence(result.points, result.readings)

    def of_score(self, score):
        """The sentence of a stored Score row, from its points and readings as stored."""
        centi = self.centi
        points = {}
        for code, value in (score.points or {}).items():
            try:
                points[code] = centi[value]
            except (KeyError, TypeError):  # a value not met yet (or one that cannot be a key)
                points[code] = stored_centi(value)
                if type(value) in (int, float):  # not a bool, which would find 1's points
                    centi[value] = points[code]
        readings = {code: tuple(value) for code, value in (score.readings or {}).items() if isinstance(value, list)}
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
        try:
            phrase = self.phrases[code, reading]
        except KeyError:
            phrase = self.phrases[code, reading] = self._words(m, reading, rule, bonus=bonus)
        except TypeError:  # a stored reading holding a list or an object: said by its points
            phrase = None
        if phrase is not None:
            return phrase
        return _("%(criterion)s: %(points)s of %(max)s points") % {
            "criterion": name,
            "points": points_text(got),
            "max": points_text(top),
        }

    @staticmethod
    def _words(m, reading, rule, *, bonus):
        if m is None or reading is None or len(reading) != 2:
            return None
        try:
            if bonus:
                phrase = m.credit(reading) if m.credit else None
            else:
                needed = engine.still_needed(rule, reading) if m.kind == measures.COUNT and m.lack else 0
                phrase = m.lack(reading, needed) if m.lack else None
        except (TypeError, ValueError, ArithmeticError):
            return None  # a reading stored in another shape: said by its points
        return str(phrase) if phrase else None


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
