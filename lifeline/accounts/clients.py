"""What we know about the client making a request: address, user agent, device type, fingerprint.

The fingerprint is deliberately coarse (user-agent family + operating system + the /24 or /48
network) so that a browser update or a new DHCP lease does not look like a new device, while a
login from another browser or another network does.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from dataclasses import dataclass

from django.http import HttpRequest

from lifeline.core.http import client_address

_FAMILIES = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Yandex", re.compile(r"YaBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/")),
    ("Safari", re.compile(r"Safari/")),
    ("Android app", re.compile(r"okhttp/|Dalvik/", re.IGNORECASE)),
    ("iOS app", re.compile(r"CFNetwork/|Alamofire/", re.IGNORECASE)),
    ("Flutter app", re.compile(r"Dart/", re.IGNORECASE)),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android|Dalvik", re.IGNORECASE)),
    ("iOS", re.compile(r"iPhone|iPad|iOS|CFNetwork|Darwin", re.IGNORECASE)),
    ("Windows", re.compile(r"Windows", re.IGNORECASE)),
    ("macOS", re.compile(r"Mac OS X|Macintosh", re.IGNORECASE)),
    ("Linux", re.compile(r"Linux|X11", re.IGNORECASE)),
)


@dataclass(frozen=True)
class ClientInfo:
    ip_address: str | None
    user_agent: str
    device_type: str  # mobile | tablet | desktop | app | unknown
    family: str
    system: str

    @property
    def fingerprint(self) -> str:
        network = _network_of(self.ip_address)
        raw = f"{self.family}|{self.system}|{network}"
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def label(self) -> str:
        """Human-readable description for e-mails and session lists (no address)."""
        return f"{self.family} · {self.system}"


def client_info(request: HttpRequest | None) -> ClientInfo:
    if request is None:
        return ClientInfo(None, "", "unknown", "Unknown", "Unknown")
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:512]
    return ClientInfo(
        ip_address=client_address(request),
        user_agent=user_agent,
        device_type=_device_type(user_agent),
        family=_match(_FAMILIES, user_agent),
        system=_match(_SYSTEMS, user_agent),
    )


def _match(table: tuple[tuple[str, re.Pattern[str]], ...], user_agent: str) -> str:
    for name, pattern in table:
        if pattern.search(user_agent):
            return name
    return "Other"


def _device_type(user_agent: str) -> str:
    if not user_agent:
        return "unknown"
    if re.search(r"okhttp|Dalvik|CFNetwork|Alamofire|Dart/", user_agent, re.IGNORECASE):
        return "app"
    if re.search(r"iPad|Tablet", user_agent, re.IGNORECASE):
        return "tablet"
    if re.search(r"Mobi|iPhone|Android", user_agent, re.IGNORECASE):
        return "mobile"
    if re.search(r"Windows|Macintosh|X11|Linux", user_agent, re.IGNORECASE):
        return "desktop"
    return "unknown"


def _network_of(ip: str | None) -> str:
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))
