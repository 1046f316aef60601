"""Who sees the outbox and keeps the district's switch: the district operator, for the district's villages."""

from mutakhir.accounts.access import has_role
from mutakhir.accounts.models import Role

from .models import Message

OPERATOR_ROLES = {Role.DISTRICT_OPERATOR}


def can_manage(user) -> bool:
    return has_role(user, OPERATOR_ROLES) and len(user.region_id or "") == 4


def messages_for(user):
    return Message.objects.visible_to(user) if can_manage(user) else Message.objects.none()
