"""Response headers for pages that may hold personal data."""

from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


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
