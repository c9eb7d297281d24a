import pytest


@pytest.fixture
def pages(tree):
    """A registered Page for CĐCS A and B and for the province (the provincial Page)."""
    from loa.fanpages.models import Fanpage

    def make(unit, handle):
        return Fanpage.objects.create(
            unit=unit,
            name=f"Trang {unit.code}",
            url=f"https://www.facebook.com/{handle}",
            url_key=f"https://www.facebook.com/{handle}".lower(),
            admin_name="Nguyễn Văn A",
            admin_phone="+84912345678",
        )

    return {
        "a": make(tree["a"], "cdcsa"),
        "b": make(tree["b"], "cdcsb"),
        "province": make(tree["province"], "congdoancaobang"),
    }
