"""API tokens: random keys shown once, stored as SHA-256; a token acts with its user's role and scope, for one purpose.

A token is refused (401) once expired or revoked or when its user is inactive; used on an endpoint of another
purpose it gets 403, past its requests per minute 429. The counter is the one every rate-limited page uses
(core/public.py). The owner revokes their own tokens; a district operator those of accounts in the district;
an administrator any (`can_revoke`).
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role
from mutakhir.accounts.scope import filter_visible, in_scope
from mutakhir.core import public

from .models import API_TOKEN_MAX_DAYS, ApiToken, TokenPurpose

KEY_PREFIX = "mtk_"
WINDOW = 60  # seconds: per_minute counts requests in this window
# The roles that may hold a token of each purpose. Only a first sieve, so the page offers what can work: the
# endpoints ask the same services as the pages, which check role and scope on every request (registrations
# are read by most roles, hence all of them here).
PURPOSE_ROLES = {
    TokenPurpose.REGISTRATIONS: set(Role),
    TokenPurpose.LISTS: {Role.PROGRAM_MANAGER, Role.NATIONAL, Role.DISTRICT_OPERATOR, Role.DISTRICT_HEAD,
                         Role.AUDITOR},
    TokenPurpose.FEEDS: {Role.DISTRICT_OPERATOR, Role.NATIONAL},
    TokenPurpose.PACKAGES: {Role.DISTRICT_OPERATOR, Role.NATIONAL},
}


class TokenError(ValueError):
    """A token that cannot be created as asked; the message is for the user."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def purposes_for(user) -> list[str]:
    """Return the purposes `user` may create tokens for."""
    return [purpose for purpose, roles in PURPOSE_ROLES.items() if has_role(user, roles)]


def create_token(user, name: str = "", *, purpose: str = TokenPurpose.REGISTRATIONS, days: int = 90,
                 program=None, per_minute: int = 60) -> tuple[ApiToken, str]:
    """Create a token for `user`; return it with the key, which is not stored and cannot be shown again."""
    if purpose not in purposes_for(user):
        raise TokenError(_("Your role cannot hold a token for %(purpose)s.") % {"purpose": TokenPurpose(purpose).label})
    if not 1 <= days <= API_TOKEN_MAX_DAYS:
        raise TokenError(_("A token lives 1 to %(max)d days.") % {"max": API_TOKEN_MAX_DAYS})
    if (purpose == TokenPurpose.LISTS) != (program is not None):
        raise TokenError(_("A token for beneficiary lists names one program; other tokens name none."))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:80], purpose=purpose, program=program, key_hash=hash_key(key),
                                    prefix=key[:8], per_minute=per_minute,
                                    expires_at=timezone.now() + timedelta(days=days))
    return token, key


def can_revoke(actor, token: ApiToken) -> bool:
    """The owner, an administrator, or a district operator for an account inside the district."""
    if actor.pk == token.user_id or actor.is_superuser:
        return True
    return has_role(actor, {Role.DISTRICT_OPERATOR}) and in_scope(actor, token.user.region_id or "")


def tokens_for(actor):
    """Return the tokens `actor` may see and revoke: their own, and a district operator's district's."""
    own = ApiToken.objects.filter(user=actor)
    if actor.is_superuser:
        return ApiToken.objects.all()
    if has_role(actor, {Role.DISTRICT_OPERATOR}):
        return own | filter_visible(ApiToken.objects.all(), actor, "user__region_id")
    return own


def revoke_token(actor, token: ApiToken) -> None:
    if not can_revoke(actor, token):
        raise PermissionDenied
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor)


def token_for_key(key: str) -> ApiToken | None:
    """Return the unrevoked, unexpired token of an active user with this key, or None."""
    token = (ApiToken.objects.select_related("user", "user__region")
             .filter(key_hash=hash_key(key), revoked_at__isnull=True, expires_at__gt=timezone.now(),
                     user__is_active=True).first())
    if token is not None:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>` of a token for `purpose`; the request then acts as the token's user.

    `request.auth` is the token (its program, its purpose); `request.user` its user.
    """

    def __init__(self, purpose: str = TokenPurpose.REGISTRATIONS):
        self.purpose = purpose
        super().__init__()

    def authenticate(self, request, token):
        found = token_for_key(token) if token else None
        if found is None:
            return None
        if found.purpose != self.purpose:
            raise HttpError(403, _("This token is for %(held)s; this endpoint needs a token for %(needed)s.") % {
                "held": TokenPurpose(found.purpose).label, "needed": TokenPurpose(self.purpose).label})
        if public.over_limit(f"api-token:{found.key_hash[:32]}", (found.per_minute, WINDOW)):
            raise HttpError(429, _("Too many requests with this token: at most %(n)d a minute.") % {
                "n": found.per_minute})
        request.user = found.user
        return found
