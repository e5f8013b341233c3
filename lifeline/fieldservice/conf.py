"""Settings of the fieldservice module, read once from django.conf.settings."""

from __future__ import annotations

from django.conf import settings


def mango_api_key() -> str:
    return str(getattr(settings, "FIELDSERVICE_MANGO_API_KEY", ""))


def mango_api_salt() -> str:
    return str(getattr(settings, "FIELDSERVICE_MANGO_API_SALT", ""))


def mango_base_url() -> str:
    return str(
        getattr(settings, "FIELDSERVICE_MANGO_BASE_URL", "https://app.mango-office.ru/vpbx/")
    )


def mango_enabled() -> bool:
    return bool(mango_api_key() and mango_api_salt())


# A webhook body larger than this is refused before parsing (Mango's are under 4 KB).
MANGO_MAX_BODY_BYTES = 64 * 1024
# A repeat call from the same phone within this window joins the open request.
REPEAT_CALL_WINDOW_MINUTES = 30
# The outbound HTTP timeout (connect, read) of Mango API calls.
MANGO_TIMEOUT_SECONDS = (3.05, 10.0)


def telegram_bot_token() -> str:
    return str(getattr(settings, "FIELDSERVICE_TELEGRAM_BOT_TOKEN", ""))


def telegram_chat_id() -> str:
    return str(getattr(settings, "FIELDSERVICE_TELEGRAM_CHAT_ID", ""))


def telegram_api_url() -> str:
    return str(getattr(settings, "FIELDSERVICE_TELEGRAM_API_URL", "https://api.telegram.org"))


def alert_repeat_minutes() -> int:
    return int(getattr(settings, "FIELDSERVICE_ALERT_REPEAT_MINUTES", 240))


def alerts_max_per_run() -> int:
    return int(getattr(settings, "FIELDSERVICE_ALERTS_MAX_PER_RUN", 20))


TELEGRAM_TIMEOUT_SECONDS = (3.05, 10.0)


# --- recordings from e-mail (IMAP) --------------------------------------------------------
def imap_host() -> str:
    return str(getattr(settings, "FIELDSERVICE_IMAP_HOST", ""))


def imap_port() -> int:
    return int(getattr(settings, "FIELDSERVICE_IMAP_PORT", 993))


def imap_ssl() -> bool:
    return bool(getattr(settings, "FIELDSERVICE_IMAP_SSL", True))


def imap_user() -> str:
    return str(getattr(settings, "FIELDSERVICE_IMAP_USER", ""))


def imap_password() -> str:
    return str(getattr(settings, "FIELDSERVICE_IMAP_PASSWORD", ""))


def imap_folder() -> str:
    return str(getattr(settings, "FIELDSERVICE_IMAP_FOLDER", "INBOX"))


def imap_days_back() -> int:
    return int(getattr(settings, "FIELDSERVICE_IMAP_DAYS_BACK", 3))


def imap_timezone() -> str:
    """The zone the PBX writes the time of a call in the file name (Rambler: Moscow)."""
    return str(getattr(settings, "FIELDSERVICE_IMAP_TIMEZONE", "Europe/Moscow"))


def imap_enabled() -> bool:
    return bool(imap_host() and imap_user() and imap_password())


IMAP_TIMEOUT_SECONDS = 30.0
# New messages read per poll (the rest wait for the next one).
IMAP_MESSAGES_PER_POLL = 50
# A recording is linked to the request from its phone created within this window.
MAIL_RECORDING_WINDOW_MINUTES = 30
