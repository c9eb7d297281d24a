import pytest

from conftest import _user


@pytest.fixture
def upper_admin(tree):
    """An admin of the upper union: manages CĐCS A and B, not the province."""
    return _user("upper_admin", tree["upper"], "admin", full_name="Triệu Văn Cấp")
