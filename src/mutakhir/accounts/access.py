"""Role checks the apps' access modules share."""


def has_role(user, roles) -> bool:
    """Return True for an active, logged-in account that is a superuser or holds one of `roles`."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role in roles)
