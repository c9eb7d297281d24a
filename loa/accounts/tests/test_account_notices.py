"""Every change that could hand an account to someone else is told to the address the account
had before it, read back from a real SMTP server."""

from django.urls import reverse

from loa.accounts import services
from loa.notifications.delivery import deliver_due

PROFILE = reverse("accounts:profile")
# As the profile form sends them, with the version it was opened at (a new account: 1).
DETAILS = {"full_name": "Hoàng Thị An", "phone": "", "email": "alice@example.vn", "language": "vi", "version": 1}


def _mails(smtp_server, count):
    deliver_due()
    return smtp_server.wait_for(count)


def test_an_e_mail_change_is_told_to_the_old_and_the_new_address(password_login, alice, smtp_server):
    password_login(alice).post(PROFILE, dict(DETAILS, email="an.moi@example.vn"))
    mails = _mails(smtp_server, 2)
    assert sorted(r for m in mails for r in m.rcpt_tos) == ["alice@example.vn", "an.moi@example.vn"]
    old = smtp_server.to("alice@example.vn")[0]
    assert old.subject == "Tài khoản Loa của đồng chí đã được thay đổi"
    assert old.text.startswith("Kính gửi đồng chí Hoàng Thị An,")
    assert "“alice@example.vn” thành “an.moi@example.vn”" in old.text
    assert "Nếu không phải đồng chí" in old.text
    assert old.link("/accounts/password/reset/")


def test_a_phone_change_is_told_to_the_e_mail_address(password_login, alice, smtp_server):
    password_login(alice).post(PROFILE, dict(DETAILS, phone="0912 345 678"))
    mail = _mails(smtp_server, 1)[0]
    assert mail.rcpt_tos == ["alice@example.vn"]
    assert "0912 345 678" in mail.text


def test_a_new_name_alone_sends_nothing(password_login, alice, smtp_server):
    password_login(alice).post(PROFILE, dict(DETAILS, full_name="Hoàng Thị Anh"))
    assert deliver_due() == 0


def test_a_password_change_is_told(password_login, alice, smtp_server):
    client = password_login(alice)
    client.post(
        reverse("accounts:password_change"),
        {"new_password1": "Mật-khẩu-mới-2025", "new_password2": "Mật-khẩu-mới-2025"},
    )
    mail = _mails(smtp_server, 1)[0]
    assert mail.rcpt_tos == ["alice@example.vn"] and "Mật khẩu của đồng chí đã được đổi." in mail.text


def test_a_new_api_token_is_told(password_login, alice, smtp_server):
    password_login(alice).post(reverse("accounts:token_create"), {"name": "Báo cáo Excel"})
    mail = _mails(smtp_server, 1)[0]
    assert "“Báo cáo Excel”" in mail.text


def test_a_role_given_or_removed_is_told_to_the_user_concerned(admin, alice, tree, smtp_server):
    role = services.role_grant(by=admin, user=alice, unit=tree["b"], role="leader")
    services.role_revoke(by=admin, role=role)
    mails = _mails(smtp_server, 2)
    assert all(m.rcpt_tos == ["alice@example.vn"] for m in mails)
    texts = "\n".join(m.text for m in mails)
    assert "Bệnh viện Đa khoa tỉnh" in texts
    assert "Người thực hiện: Nông Thị Quản Trị." in texts
