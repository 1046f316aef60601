"""Two-factor login (TOTP, django-otp): who needs it, enrolment and verification.

Decision: every account that sees a whole district or more, or approves, needs a second factor: district
operators and heads, the national team, program managers (beneficiary lists), auditors (read and reveal
across a district) and staff (the admin). Village-level roles may enrol; once enrolled they verify too.

Backup codes (django-otp's static device): ten one-time codes, made at enrolment and on request, shown
once and stored only as the device's tokens; each is accepted once at the second step, in place of the
app's code, for a lost or dead phone. Making new codes voids the old ones.
"""

from base64 import b32encode

import django_otp
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import Role

TWO_FACTOR_ROLES = frozenset({Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD, Role.NATIONAL, Role.PROGRAM_MANAGER,
                              Role.AUDITOR})
DEVICE_NAME = "Mutakhir"
BACKUP_DEVICE_NAME = "Mutakhir backup codes"
BACKUP_CODES = 10


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def requires_second_factor(user) -> bool:
    """Return True if the account must pass a TOTP check after its password (verified or not)."""
    required = settings.REQUIRE_2FA and (user.role in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser)
    return required or confirmed_device(user) is not None


def needs_verification(user) -> bool:
    """Return True if the signed-in user may not reach any page before a TOTP check."""
    return user.is_authenticated and not user.is_verified() and requires_second_factor(user)


def pending_device(user) -> TOTPDevice:
    """Return the user's unconfirmed device (its secret is shown once at enrolment), creating it if needed."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """Return the secret in base32, in groups of four, for typing into an authenticator app."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """Return an inline SVG QR code of the device's otpauth:// URL."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with BACKUP_CODES new ones and return them (shown once, never again)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = []
    while len(codes) < BACKUP_CODES:
        code = StaticToken.random_token()  # 8 base32 characters; all-digit ones would look like an app code
        if not code.isdigit() and code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def check_token(request, device: TOTPDevice, token: str, *, allow_backup: bool = False) -> bool:
    """Verify a token against `device` or, if allowed, a backup code (throttled, single use).

    On success the session is marked verified.
    """
    token = "".join(token.split()).lower()
    if token.isdigit():
        verified = django_otp.verify_token(request.user, device.persistent_id, token)
    else:  # a backup code: letters and digits
        backup = StaticDevice.objects.filter(user=request.user, confirmed=True).first() if allow_backup else None
        verified = backup if backup is not None and backup.verify_token(token) else None
    if verified is None:
        return False
    if not verified.confirmed:
        verified.confirmed = True
        verified.save(update_fields=["confirmed"])
    request.session.cycle_key()  # a new session id once the second factor is in
    django_otp.login(request, verified)
    return True


@receiver(user_logged_in)
def _forget_unconfirmed_enrolment(sender, request, user, **kwargs):
    """Drop a half-finished enrolment at each password login, so its secret is never shown twice."""
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
