"""A user object without a scope (the anonymous user has no `scope_prefix`) sees nothing, and nothing fails."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser

from mutakhir.accounts.scope import filter_visible, in_scope, region_q
from mutakhir.regions.models import Region


def test_an_anonymous_user_sees_no_region():
    assert not hasattr(AnonymousUser(), "scope_prefix")
    assert region_q(AnonymousUser(), "region_id") is None
    assert in_scope(AnonymousUser(), "1901") is False


def test_a_user_without_a_scope_lists_no_row(regions):
    nobody = SimpleNamespace(scope_prefix=None)
    assert Region.objects.exists()
    assert not filter_visible(Region.objects.all(), nobody, "code").exists()
