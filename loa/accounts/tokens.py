"""Signed, expiring, single-use links: password reset (Django's) and invitations.

Both tokens are an HMAC over the user's id, password hash and last log-in, so setting a password
makes every earlier link stop working; the timestamp inside limits their age.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode

from loa.core.site import absolute_url


class InviteTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "loa.accounts.tokens.InviteTokenGenerator"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        return (self._num_seconds(self._now()) - ts) <= settings.INVITE_MAX_AGE


invite_tokens = InviteTokenGenerator()
reset_tokens = default_token_generator


def uidb64(user):
    return urlsafe_base64_encode(force_bytes(user.pk))


def invite_url(user):
    path = reverse("accounts:invite_accept", kwargs={"uidb64": uidb64(user), "token": invite_tokens.make_token(user)})
    return absolute_url(path)


def reset_url(user):
    path = reverse(
        "accounts:password_reset_confirm", kwargs={"uidb64": uidb64(user), "token": reset_tokens.make_token(user)}
    )
    return absolute_url(path)
