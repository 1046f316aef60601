"""Response headers for pages that may hold personal data."""

from django.utils.cache import patch_cache_control

from .public import client_address

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(self), payment=(), usb=()"  # location: evidence forms


class PrivatePagesMiddleware:
    """Forbid caching of any page served to a signed-in user, and switch off browser features we never use."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


class IndonesianFirstMiddleware:
    """Choose the language by the user's own switch (the language cookie) only, never by the browser.

    Staff PCs often run an English Windows and browser; the interface is Bahasa Indonesia first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ClientAddressMiddleware:
    """Set REMOTE_ADDR to the client's address (core/public.py), so that rate limits, the login lockout
    (django-axes) and the personal-data access log all key on the same, unspoofable address.

    Without TRUSTED_PROXIES this changes nothing: a client's own X-Forwarded-For is never believed.
    The connecting peer stays in MUTAKHIR_PEER_ADDR.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        client_address({})  # a bad TRUSTED_PROXIES entry stops the server at start, not at the first request

    def __call__(self, request):
        peer = request.META.get("REMOTE_ADDR", "")
        request.META["MUTAKHIR_PEER_ADDR"] = peer
        request.META["REMOTE_ADDR"] = client_address(request.META)
        return self.get_response(request)
