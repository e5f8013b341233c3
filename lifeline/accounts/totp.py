"""What a person needs to add a TOTP device to their authenticator app (no database access)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django_otp.plugins.otp_totp.models import TOTPDevice


@dataclass(frozen=True)
class TotpEnrollment:
    otpauth_url: str
    secret: str  # base32, for typing into an app by hand
    qr_svg_data_uri: str


def _qr_svg_data_uri(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def totp_enrollment_of(device: TOTPDevice) -> TotpEnrollment:
    url = device.config_url
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return TotpEnrollment(otpauth_url=url, secret=secret, qr_svg_data_uri=_qr_svg_data_uri(url))
