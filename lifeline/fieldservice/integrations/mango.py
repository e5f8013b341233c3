"""Mango Office VPBX API client: signed form POSTs to https://app.mango-office.ru/vpbx/."""

from __future__ import annotations

import json
import logging
from typing import Any

import requests

from lifeline.fieldservice import conf
from lifeline.fieldservice.exceptions import TelephonyNotConfigured, TelephonyUnavailable
from lifeline.fieldservice.integrations.signing import mango_sign

logger = logging.getLogger(__name__)


class MangoClient:
    def __init__(self, *, api_key: str, api_salt: str, base_url: str) -> None:
        if not api_key or not api_salt:
            raise TelephonyNotConfigured()
        self.api_key = api_key
        self.api_salt = api_salt
        self.base_url = base_url.rstrip("/") + "/"

    def _post(self, path: str, body: dict[str, Any], *, stream: bool = False) -> requests.Response:
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        form = {
            "vpbx_api_key": self.api_key,
            "sign": mango_sign(api_key=self.api_key, payload=payload, api_salt=self.api_salt),
            "json": payload,
        }
        try:
            response = requests.post(
                self.base_url + path, data=form, timeout=conf.MANGO_TIMEOUT_SECONDS, stream=stream
            )
        except requests.RequestException as exc:
            logger.warning("fieldservice.mango_unreachable", extra={"path": path})
            raise TelephonyUnavailable() from exc
        if response.status_code >= 500 or response.status_code == 404:
            raise TelephonyUnavailable()
        return response

    def callback(self, *, from_extension: str, to_number: str, command_id: str) -> None:
        response = self._post(
            "commands/callback",
            {
                "command_id": command_id,
                "from": {"extension": from_extension},
                "to_number": to_number.lstrip("+"),
            },
        )
        if response.status_code >= 400:
            raise TelephonyUnavailable()

    def recording_download(self, *, recording_id: str) -> bytes:
        # Mango answers 302 to a one-time link; requests follows it (never store the link).
        response = self._post(
            "queries/recording/post", {"recording_id": recording_id, "action": "download"}
        )
        if response.status_code != 200 or not response.content:
            raise TelephonyUnavailable()
        return response.content


def client() -> MangoClient:
    return MangoClient(
        api_key=conf.mango_api_key(), api_salt=conf.mango_api_salt(), base_url=conf.mango_base_url()
    )
