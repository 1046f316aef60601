"""Session limits and the second-factor gate, applied to every page."""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from .twofactor import confirmed_device, needs_verification

LOGIN_AT, SEEN_AT = "mutakhir_login_at", "mutakhir_seen_at"
# Reachable before the second factor: the steps of logging in and out, and the language switch.
OPEN_VIEWS = {"login", "logout", "two_factor_setup", "two_factor_verify", "set_language"}


def _redirect(request, url):
    if request.headers.get("HX-Request") == "true":
        return HttpResponseClientRedirect(url)  # htmx would swap the page into a fragment otherwise
    return redirect(url)


def seen_resolution(idle_seconds: int) -> int:
    """Seconds the saved last-seen time may lag behind the last request: 1/60 of the idle limit, at least 1.

    Saving it on every request would write the session row on every page and poll; saving it once a minute
    logged out, under a one-minute limit, a user active 45 s before. With 1/60 of the limit the session is
    written at most 60 times per idle period (every 30 s under 30 minutes, every second under one minute).
    """
    return max(1, idle_seconds // 60)


def idle_expired(now: int, seen_at: int, idle_seconds: int) -> bool:
    """Whether the last request was surely more than `idle_seconds` ago, given the saved last-seen time.

    The last request came at most `seen_resolution - 1` seconds after `seen_at` (any later one is saved),
    so the session is idle beyond the limit once `now - seen_at` reaches limit + resolution: never before the
    limit, and at most the resolution after it (1 s per configured minute).
    """
    return now - seen_at >= idle_seconds + seen_resolution(idle_seconds)


class SessionTimeoutMiddleware:
    """Log out a session idle for SESSION_IDLE_SECONDS or older than SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now, idle = int(time.time()), settings.SESSION_IDLE_SECONDS
            login_at = request.session.setdefault(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            if idle_expired(now, seen_at, idle) or now - login_at > settings.SESSION_COOKIE_AGE:
                logout(request)
                return _redirect(request, redirect_to_login(request.get_full_path())["Location"])
            if SEEN_AT not in request.session or now - seen_at >= seen_resolution(idle):
                request.session[SEEN_AT] = now
        return self.get_response(request)


class SecondFactorMiddleware:
    """Send an account that needs a second factor to enrolment or verification before any other page.

    The JSON API (namespace "api") is left to its own bearer-token authentication; it accepts no session.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match.view_name in OPEN_VIEWS or "api" in match.namespaces or not needs_verification(request.user):
            return None
        step = "two_factor_verify" if confirmed_device(request.user) else "two_factor_setup"
        return _redirect(request, f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
