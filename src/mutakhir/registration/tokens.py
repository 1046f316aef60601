"""API tokens: random keys shown once, stored as SHA-256; a token acts with its user's role and scope."""

import hashlib
import secrets

from django.utils import timezone
from ninja.security import HttpBearer

from .models import ApiToken

KEY_PREFIX = "mtk_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; return it with the key, which is not stored and cannot be shown again."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:80], key_hash=hash_key(key), prefix=key[:8])
    return token, key


def user_for_key(key: str):
    """Return the active user of an unrevoked token, or None."""
    token = (ApiToken.objects.select_related("user", "user__region")
             .filter(key_hash=hash_key(key), revoked_at__isnull=True, user__is_active=True).first())
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; the request then acts as the token's user."""

    def authenticate(self, request, token):
        user = user_for_key(token) if token else None
        if user is not None:
            request.user = user
        return user
