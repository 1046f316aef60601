"""Create, change and deactivate staff accounts; every change passes the model's role/region check first."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutakhir.regions.codes import RegionCodeError, normalize_code
from mutakhir.regions.models import Region

from .models import User

UNCHANGED = object()


class AccountError(Exception):
    """An account change that is refused, with the reason in the user's language."""


def region_code(text: str | None) -> str | None:
    """Return a region code without dots (None for the nation); raise AccountError for anything else."""
    if not text:
        return None
    try:
        code = normalize_code(text)
    except RegionCodeError as exc:
        raise AccountError(_("%(code)r is not a region code (e.g. 19.01.01.1001).") % {"code": text}) from exc
    if not Region.objects.filter(code=code).exists():
        raise AccountError(_("There is no region %(code)s.") % {"code": text})
    return code


def _save(user: User) -> User:
    """Validate the whole account (role vs region level included) and save it, or raise AccountError."""
    try:
        user.full_clean()
    except ValidationError as exc:
        raise AccountError(" ".join(str(m) for messages in exc.message_dict.values() for m in messages)) from exc
    user.save()
    return user


def get_account(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise AccountError(_("No account %(username)r.") % {"username": username})
    return user


@transaction.atomic
def do_create_account(username: str, role: str, region: str | None, **names) -> User:
    """Create an active account without a usable password (the owner's is set with `changepassword`)."""
    user = User(username=username, role=role, region_id=region_code(region), **names)
    user.set_unusable_password()
    return _save(user)


@transaction.atomic
def do_update_account(username: str, *, role=UNCHANGED, region=UNCHANGED, activate: bool = False) -> User:
    """Change an account's role and/or region (None = the nation), and reactivate it when asked."""
    user = get_account(username)
    if role is not UNCHANGED:
        user.role = role
    if region is not UNCHANGED:
        user.region_id = region_code(region)
    if activate:
        user.is_active = True
    return _save(user)


@transaction.atomic
def do_deactivate_account(username: str) -> User:
    """Deactivate an account: it can no longer log in or use its API tokens, and its scope is empty."""
    user = get_account(username)
    user.is_active = False
    user.save(update_fields=["is_active"])
    return user
