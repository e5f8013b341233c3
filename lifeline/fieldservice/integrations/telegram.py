"""Telegram Bot API sender for alerts: one `sendMessage` per call. The bot token is part
of the URL, so neither the URL nor a requests exception (which quotes it) is ever logged."""

from __future__ import annotations

import logging
from typing import Any

import requests

from lifeline.fieldservice import conf

logger = logging.getLogger(__name__)


class TelegramUnavailable(Exception):
    """Telegram refused or did not answer; `retry` when trying later may succeed."""


class TelegramClient:
    def __init__(self, *, token: str, api_url: str) -> None:
        self._token = token
        self.api_url = api_url.rstrip("/")

    def send_message(self, *, chat_id: str, text: str) -> None:
        url = f"{self.api_url}/bot{self._token}/sendMessage"
        body: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "disable_web_page_preview": True,
        }
        try:
            response = requests.post(url, json=body, timeout=conf.TELEGRAM_TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            logger.warning("fieldservice.telegram_unreachable", extra={"error": type(exc).__name__})
            raise TelegramUnavailable() from None
        if response.status_code != 200:
            logger.warning("fieldservice.telegram_refused", extra={"status": response.status_code})
            raise TelegramUnavailable()

    def __repr__(self) -> str:  # never show the token
        return f"TelegramClient(api_url={self.api_url!r})"


def client() -> TelegramClient | None:
    """The configured sender, or None when no bot token or chat is set."""
    if not conf.telegram_bot_token() or not conf.telegram_chat_id():
        return None
    return TelegramClient(token=conf.telegram_bot_token(), api_url=conf.telegram_api_url())
