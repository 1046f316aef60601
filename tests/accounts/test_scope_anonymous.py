"""A user object without a scope (the anonymous user has no `scope_prefix`) sees nothing, and nothing fails."""

from django.contrib.auth.models import AnonymousUser

from mutakhir.accounts.scope import in_scope, region_q


def test_an_anonymous_user_sees_no_region():
    assert not hasattr(AnonymousUser(), "scope_prefix")
    assert region_q(AnonymousUser(), "region_id") is None
    assert in_scope(AnonymousUser(), "1901") is False
