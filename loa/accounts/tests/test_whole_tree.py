"""Who administers the whole tree: MANAGE_UNITS roles covering every top-level unit."""

from loa.accounts.models import Role, User
from loa.accounts.scope import forget, manages_whole_tree
from loa.units.services import unit_create


def test_an_admin_at_the_only_root_manages_the_whole_tree(admin):
    assert manages_whole_tree(admin)


def test_an_admin_below_the_root_does_not(upper_admin, alice, leader, editor):
    assert not any(manages_whole_tree(u) for u in (upper_admin, alice, leader, editor))


def test_another_root_ends_it_until_the_admin_holds_a_role_there_too(admin, kinds):
    other = unit_create(by=None, parent=None, kind=kinds["province"], code="LDLD-2", name="LĐLĐ tỉnh Lạng Sơn")
    admin = User.objects.get(pk=admin.pk)
    assert not manages_whole_tree(admin)
    Role.objects.create(user=admin, unit=other, role="admin")
    forget(admin)
    assert manages_whole_tree(admin)


def test_a_leader_at_every_root_does_not_manage_units(tree):
    from conftest import _user

    assert not manages_whole_tree(_user("reader", tree["province"], "leader"))


def test_a_superuser_always_does_and_anonymous_never(db):
    from django.contrib.auth.models import AnonymousUser

    assert manages_whole_tree(User.objects.create_superuser("root", "root@example.vn", "x"))
    assert not manages_whole_tree(AnonymousUser())


def test_the_answer_costs_one_query_per_user_object(admin, django_assert_num_queries):
    admin = User.objects.get(pk=admin.pk)
    with django_assert_num_queries(2):  # roles, then "is there another root?"
        assert manages_whole_tree(admin)
        assert manages_whole_tree(admin)
