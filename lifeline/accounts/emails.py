"""Account e-mails (codes, new-device alerts), sent after the surrounding transaction commits.

Bodies are plain text in the recipient's language. Codes appear only in the message itself,
never in logs.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lifeline.accounts.clients import ClientInfo
from lifeline.accounts.models import User, VerificationPurpose


def _send_on_commit(*, user: User, subject: str, body: str) -> None:
    recipient = user.email
    if not recipient:
        return
    transaction.on_commit(
        lambda: send_mail(
            subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False
        )
    )


def send_code(*, user: User, code: str, purpose: str) -> None:
    minutes = settings.LIFELINE_VERIFICATION_CODE_TTL // 60
    with translation.override(user.language):
        if purpose == VerificationPurpose.PASSWORD_RESET:
            subject = _("Lifeline password reset code")
            intro = _("Use this code to reset your Lifeline password:")
        else:
            subject = _("Lifeline e-mail verification code")
            intro = _("Use this code to confirm your e-mail address in Lifeline:")
        body = "\n\n".join(
            [
                intro,
                code,
                _("The code is valid for %(minutes)d minutes.") % {"minutes": minutes},
                _("If you did not ask for it, ignore this message."),
            ]
        )
    _send_on_commit(user=user, subject=subject, body=body)


def send_new_device_alert(*, user: User, client: ClientInfo, at: datetime) -> None:
    with translation.override(user.language):
        when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M %Z")
        body = "\n\n".join(
            [
                _("Your Lifeline account was signed in to from a new device."),
                _("Device: %(device)s\nAddress: %(ip)s\nTime: %(when)s")
                % {"device": client.label, "ip": client.ip_address or "?", "when": when},
                _(
                    "If this was not you, change your password now and end the sessions you "
                    "do not recognise in your security settings."
                ),
            ]
        )
        subject = _("New sign-in to your Lifeline account")
    _send_on_commit(user=user, subject=subject, body=body)


def send_registration_attempt_notice(*, user: User) -> None:
    """The address already has an account: tell its owner instead of telling the registrant."""
    with translation.override(user.language):
        subject = _("Someone tried to register with your e-mail address")
        body = "\n\n".join(
            [
                _("Someone tried to create a Lifeline account with this e-mail address."),
                _(
                    "You already have an account. If it was you, sign in or reset your "
                    "password. If not, you can ignore this message."
                ),
            ]
        )
    _send_on_commit(user=user, subject=subject, body=body)
