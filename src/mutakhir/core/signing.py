"""District signing keys (Ed25519): a district signs its packages, the national side checks them.

The private key lives in a file on the district's server only (`var/keys/<district>.ed25519`, mode 0600),
created by `mutakhir keys create`; its public key (base64 of 32 bytes) is registered on the national side
by `mutakhir keys trust` (`registry.DistrictKey`). A package carries the signature of its manifest, and the
manifest carries the SHA-256 of every file, so one changed byte anywhere breaks the signature or a checksum.
"""

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils.translation import gettext as _


class SigningError(Exception):
    """No key to sign with, or a key that cannot be read; the message says what to do."""


def key_path(district: str) -> Path:
    return Path(settings.VAR_DIR) / "keys" / f"{district}.ed25519"


def _public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def fingerprint(public_key: str) -> str:
    """Return a short, stable name of a public key (shown to people comparing keys by phone)."""
    return hashlib.sha256(public_key.strip().encode()).hexdigest()[:16]


def create_key(district: str, *, replace: bool = False) -> str:
    """Create the district's private key file (0600); return its public key."""
    path = key_path(district)
    if path.exists() and not replace:
        raise SigningError(_("District %(district)s has a key already (%(path)s).")
                           % {"district": district, "path": path.name})
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return _public_text(key.public_key())


def _private_key(district: str) -> Ed25519PrivateKey:
    path = key_path(district)
    if not path.exists():
        raise SigningError(_("District %(district)s has no signing key: create it with `mutakhir keys create "
                             "--district %(district)s` and give its public key to the national team.")
                           % {"district": district})
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningError(_("%(path)s is not an Ed25519 key.") % {"path": path.name})
    return key


def public_key(district: str) -> str:
    return _public_text(_private_key(district).public_key())


def sign(district: str, data: bytes) -> str:
    """Return the base64 signature of `data` by the district's key."""
    return base64.b64encode(_private_key(district).sign(data)).decode()


def verify(public_key_text: str, data: bytes, signature: str) -> bool:
    """Return whether `signature` (base64) is the signature of `data` by `public_key_text`."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_text, validate=True))
        key.verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
