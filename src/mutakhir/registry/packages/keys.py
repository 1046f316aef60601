"""The national side's trust in district signing keys: register, revoke, list (core/signing.py signs)."""

import base64
import binascii

from django.utils import timezone
from django.utils.translation import gettext as _

from mutakhir.core import signing

from . import PackageError


def trust_key(district: str, public_key: str):
    """Register a district's public key (base64 of 32 bytes); return the DistrictKey."""
    from mutakhir.registry.models import DistrictKey

    public_key = public_key.strip()
    try:
        raw = base64.b64decode(public_key, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32 or not (district.isdigit() and len(district) == 4):
        raise PackageError(_("Give a 4-digit district code and its Ed25519 public key (base64, as `mutakhir keys "
                             "create` prints it)."))
    key, _created = DistrictKey.objects.get_or_create(fingerprint=signing.fingerprint(public_key),
                                                      defaults={"district": district, "public_key": public_key})
    if key.district != district:
        raise PackageError(_("This key is registered for district %(district)s already.") % {"district": key.district})
    return key


def revoke_key(fingerprint: str) -> int:
    """Revoke a key: packages it signed are refused from now on. Return how many keys were revoked."""
    from mutakhir.registry.models import DistrictKey

    return DistrictKey.objects.filter(fingerprint=fingerprint, revoked_at__isnull=True).update(
        revoked_at=timezone.now())
