"""Authenticator-app (TOTP) helpers around django-otp."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def pending_device(user) -> TOTPDevice:
    """Returns the person's unconfirmed device, creating one the first time."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def qr_svg(device: TOTPDevice, user) -> str:
    """Returns an inline SVG of the setup QR code: no image request, nothing for the CSP."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg", '<svg role="img" aria-label="QR code for your authenticator app"', 1)


def verify_device(device: TOTPDevice, code: str) -> bool:
    """Returns whether the code is right; django-otp throttles repeated failures."""
    allowed, _ = device.verify_is_allowed()
    return bool(allowed) and device.verify_token(code)


def verify(user, code: str) -> TOTPDevice | None:
    """Returns the confirmed device the code belongs to, or None."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if verify_device(device, code):
            return device
    return None


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """Returns the code the device shows now (for the demo's `allied demo totp`)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at
    return f"{totp.token():0{device.digits}d}"
