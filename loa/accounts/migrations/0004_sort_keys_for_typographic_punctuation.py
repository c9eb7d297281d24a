"""Users whose names hold typographic quotes, dashes or other symbols Loa's sort key now weighs as
ICU does: their stored keys are computed again (see units/0006)."""

from functools import reduce
from operator import or_

from django.db import migrations
from django.db.models import Q


def recompute(apps, schema_editor):
    from loa.core.text import PUNCTUATION_ADDED_2026, sort_key

    User = apps.get_model("accounts", "User")
    holding = reduce(or_, (Q(full_name__contains=ch) | Q(username__contains=ch) for ch in PUNCTUATION_ADDED_2026))
    changed = []
    for user in User.objects.filter(holding).only("id", "full_name", "username", "name_sort"):
        key = sort_key(user.full_name or user.username)
        if key != user.name_sort:
            user.name_sort = key
            changed.append(user)
    User.objects.bulk_update(changed, ["name_sort"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_version")]
    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
