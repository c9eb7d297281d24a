"""Authorise Loa for the province's Zalo Official Account (OAuth v4 with PKCE), or show the state.

1. manage.py zalo_authorise --redirect-uri https://loa.example.vn/zalo/callback
   prints the address to open (as the OA's administrator) and the code verifier to keep;
2. Zalo sends the browser back to the redirect URI with `code` and `oa_id`;
3. manage.py zalo_authorise --code … --oa-id … --verifier …   (within 10 minutes)
   stores the tokens, encrypted. From then on Loa refreshes them itself.
   manage.py zalo_authorise --status shows what is stored (never the tokens).
"""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from loa.audit.log import log_action
from loa.integrations.models import ZaloCredential
from loa.integrations.zalo import ZaloClient, ZaloError, pkce_pair


class Command(BaseCommand):
    help = "Authorise Loa to send Zalo messages for an Official Account, or show the stored state."

    def add_arguments(self, parser):
        parser.add_argument("--redirect-uri", help="the callback registered with the Zalo app")
        parser.add_argument("--code", help="the code Zalo sent to the callback")
        parser.add_argument("--oa-id", help="the oa_id Zalo sent to the callback")
        parser.add_argument("--verifier", help="the code verifier printed by the first step")
        parser.add_argument("--status", action="store_true", help="show the stored credentials and today's quota")

    def handle(self, *args, redirect_uri=None, code=None, oa_id=None, verifier=None, status=False, **options):
        if status:
            return self._status()
        if code:
            if not (oa_id and verifier):
                raise CommandError(_("--code needs --oa-id and --verifier too."))
            try:
                credential = ZaloClient(oa_id).exchange_code(code, verifier, oa_id=oa_id)
            except ZaloError as error:
                raise CommandError(_("Zalo refused the authorisation: %(error)s") % {"error": error}) from None
            log_action("integrations.zalo.authorised", actor=None, obj=credential)
            self.stdout.write(
                _("Loa is authorised for Zalo OA %(oa)s; the access token is valid until %(until)s.")
                % {"oa": oa_id, "until": timezone.localtime(credential.access_expires_at).strftime("%d/%m/%Y %H:%M")}
            )
            return
        if not redirect_uri:
            raise CommandError(_("Give --redirect-uri to start, --code to finish or --status."))
        verifier, challenge = pkce_pair()
        url = ZaloClient().authorisation_url(
            redirect_uri=redirect_uri, code_challenge=challenge, state=secrets.token_urlsafe(12)
        )
        self.stdout.write(_("Open this address as the Official Account's administrator:"))
        self.stdout.write(url)
        self.stdout.write(
            _("Then run: manage.py zalo_authorise --code=<code> --oa-id=<oa_id> --verifier=%(verifier)s")
            % {"verifier": verifier}
        )

    def _status(self):
        credentials = list(ZaloCredential.objects.order_by("oa_id"))
        if not credentials:
            self.stdout.write(_("No Zalo Official Account is authorised."))
            return
        for credential in credentials:
            until = credential.access_expires_at
            self.stdout.write(
                _("OA %(oa)s: access token until %(until)s, refresh token from %(since)s%(flag)s")
                % {
                    "oa": credential.oa_id,
                    "until": timezone.localtime(until).strftime("%d/%m/%Y %H:%M") if until else "—",
                    "since": timezone.localtime(credential.refresh_obtained_at).strftime("%d/%m/%Y")
                    if credential.refresh_obtained_at
                    else "—",
                    "flag": _(" — MUST BE AUTHORISED AGAIN") if credential.needs_authorisation else "",
                }
            )
            if not credential.needs_authorisation:
                try:
                    quota = ZaloClient(credential.oa_id).quota()
                except ZaloError as error:
                    self.stdout.write(_("  quota unknown: %(error)s") % {"error": error})
                else:
                    self.stdout.write(
                        _("  messages left today: %(left)s of %(total)s")
                        % {"left": quota["remaining_quota"], "total": quota["daily_quota"]}
                    )
