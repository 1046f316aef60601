"""The second login step: enrol an authenticator app (QR code or secret), then type its six-digit code."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from mutakhir.core.redirects import next_url

from .twofactor import (
    backup_codes_left,
    check_token,
    confirmed_device,
    new_backup_codes,
    pending_device,
    qr_svg,
    secret_text,
)


class TokenForm(forms.Form):
    token = forms.CharField(label=_("Six-digit code"), min_length=6, max_length=9, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "autofocus": True}))


def _step(request, template, device, context, *, enrolling=False):
    """Check a posted code against `device`; on success go on (after enrolment: show backup codes)."""
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if check_token(request, device, form.cleaned_data["token"], allow_backup=not enrolling):
            if enrolling:
                return _show_backup_codes(request, new_backup_codes(request.user))
            return redirect(next_url(request))
        form.add_error("token", _("Wrong or expired code. Wait for a new one and try again."))
    return render(request, template, {"form": form, "next": next_url(request), **context})


def _show_backup_codes(request, codes):
    return render(request, "accounts/backup_codes.html", {"codes": codes, "next": next_url(request)})


@login_required
def two_factor_setup(request):
    """Enrol an authenticator app; only for an account without a confirmed one."""
    if confirmed_device(request.user):
        return redirect(f"{reverse('two_factor_verify')}?{request.GET.urlencode()}")
    device = pending_device(request.user)
    return _step(request, "accounts/two_factor_setup.html", device,
                 {"secret": secret_text(device), "qr": mark_safe(qr_svg(device))},  # noqa: S308 - our own SVG
                 enrolling=True)


@login_required
def two_factor_verify(request):
    device = confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two_factor_setup')}?{request.GET.urlencode()}")
    if request.user.is_verified():
        return redirect(next_url(request))
    return _step(request, "accounts/two_factor_verify.html", device, {})


@login_required
def backup_codes(request):
    """Show how many backup codes are left; a POST voids them and shows ten new ones, once."""
    if not request.user.is_verified():
        raise PermissionDenied  # only after a second factor: new codes are a second factor themselves
    if request.method == "POST":
        return _show_backup_codes(request, new_backup_codes(request.user))
    return render(request, "accounts/backup_codes.html", {"left": backup_codes_left(request.user)})
