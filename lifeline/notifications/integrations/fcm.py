"""Firebase Cloud Messaging, HTTP v1 API, authorised by a service account through google-auth.

The OAuth2 token provider is injectable: production builds one from the service-account file
(`build_token_provider`), tests pass a callable that returns a fixed token.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import requests

from lifeline.notifications import conf
from lifeline.notifications.exceptions import PermanentError, RecoverableError, StaleDevice
from lifeline.notifications.integrations.base import ProviderResult, http_response_summary

SEND_URL = "https://fcm.googleapis.com/v1/projects/{project_id}/messages:send"
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"

TokenProvider = Callable[[], str]


class ServiceAccountTokenProvider:
    """Returns a cached OAuth2 access token, refreshing it shortly before it expires."""

    def __init__(self, credentials_file: str) -> None:
        from google.oauth2 import service_account

        self._credentials = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            credentials_file, scopes=[SCOPE]
        )

    @property
    def project_id(self) -> str:
        return str(getattr(self._credentials, "project_id", "") or "")

    def __call__(self) -> str:
        import google.auth.exceptions
        import google.auth.transport.requests

        if not self._credentials.valid:
            try:
                self._credentials.refresh(google.auth.transport.requests.Request())  # type: ignore[no-untyped-call]
            except google.auth.exceptions.TransportError as exc:
                raise RecoverableError("fcm.token_refresh_unavailable") from exc
            except google.auth.exceptions.RefreshError as exc:
                raise PermanentError("fcm.token_refresh_refused") from exc
        return str(self._credentials.token)


@functools.lru_cache(maxsize=4)
def _service_account_provider(credentials_file: str) -> ServiceAccountTokenProvider:
    return ServiceAccountTokenProvider(credentials_file)


def build_token_provider(config: Mapping[str, Any]) -> TokenProvider:
    if not config["CREDENTIALS_FILE"]:
        raise PermanentError("fcm.not_configured")
    return _service_account_provider(config["CREDENTIALS_FILE"])


class FcmClient:
    """Sends one message to one registration token."""

    def __init__(self, *, project_id: str, token_provider: TokenProvider, timeout: float) -> None:
        self.url = SEND_URL.format(project_id=project_id)
        self.token_provider = token_provider
        self.timeout = timeout

    @staticmethod
    def build_message(
        *, token: str, title: str, body: str, data: Mapping[str, str], critical: bool
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "token": token,
            "notification": {"title": title, "body": body},
            # FCM requires every data value to be a string.
            "data": {key: str(value) for key, value in data.items()},
        }
        if critical:
            message["android"] = {"priority": "high"}
            message["apns"] = {"headers": {"apns-priority": "10"}}
        return {"message": message}

    def send(
        self, *, token: str, title: str, body: str, data: Mapping[str, str], critical: bool
    ) -> ProviderResult:
        payload = self.build_message(
            token=token, title=title, body=body, data=data, critical=critical
        )
        headers = {
            "Authorization": f"Bearer {self.token_provider()}",
            "Content-Type": "application/json; UTF-8",
        }
        try:
            response = requests.post(self.url, json=payload, headers=headers, timeout=self.timeout)
        except (requests.Timeout, requests.ConnectionError) as exc:
            raise RecoverableError(
                "fcm.unavailable", response={"exception": type(exc).__name__}
            ) from exc
        summary = http_response_summary(response.status_code, response.text)
        if response.status_code == 200:
            return ProviderResult(message_id=str(response.json().get("name", "")), response=summary)
        raise _classify_error(response, summary)


def _error_details(response: requests.Response) -> tuple[str, str, str]:
    """(status, FCM errorCode, message) from an FCM error body; empty strings when absent."""
    try:
        error = response.json().get("error", {})
    except ValueError:
        return "", "", ""
    codes = [
        d.get("errorCode", "")
        for d in error.get("details", [])
        if isinstance(d, dict) and "FcmError" in str(d.get("@type", ""))
    ]
    return str(error.get("status", "")), (codes[0] if codes else ""), str(error.get("message", ""))


def _classify_error(response: requests.Response, summary: dict[str, Any]) -> Exception:
    status, error_code, message = _error_details(response)
    code = response.status_code
    if code == 404 or error_code in ("UNREGISTERED", "SENDER_ID_MISMATCH"):
        return StaleDevice("fcm.unregistered", response=summary)
    if code == 400 and "INVALID_ARGUMENT" in (status, error_code):
        # A malformed or foreign token is reported as INVALID_ARGUMENT on the token field.
        if "token" in message.lower():
            return StaleDevice("fcm.invalid_token", response=summary)
        return PermanentError("fcm.invalid_argument", response=summary)
    if code == 429 or code >= 500:
        return RecoverableError("fcm.unavailable", response=summary)
    return PermanentError("fcm.rejected", response=summary)


def get_client() -> FcmClient | None:
    """The configured client, or None when FCM_ENABLED is off."""
    config = conf.vendor("FCM")
    if not config["ENABLED"]:
        return None
    token_provider = build_token_provider(config)
    project_id = config["PROJECT_ID"] or getattr(token_provider, "project_id", "")
    if not project_id:
        raise PermanentError("fcm.not_configured")
    return FcmClient(
        project_id=project_id, token_provider=token_provider, timeout=conf.http_timeout()
    )
