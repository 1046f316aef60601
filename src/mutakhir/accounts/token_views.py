"""The user's API tokens page: see, create (the key shown once) and revoke; a district operator also revokes
the tokens of the district's accounts. Parse and authorise here; tokens.py creates and revokes."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutakhir.core.numbers import small_int
from mutakhir.registration.models import API_TOKEN_DAYS, API_TOKEN_MAX_DAYS, TokenPurpose
from mutakhir.registration.tokens import TokenError, create_token, purposes_for, revoke_token, tokens_for
from mutakhir.targeting.access import programs_for


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What the token is for"), max_length=80, required=False)
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"))
    program = forms.ModelChoiceField(label=gettext_lazy("Program (beneficiary lists only)"), queryset=None,
                                     required=False)
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1, max_value=API_TOKEN_MAX_DAYS,
                              initial=API_TOKEN_DAYS)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = purposes_for(user)
        self.fields["purpose"].choices = [(p, TokenPurpose(p).label) for p in allowed]
        self.fields["program"].queryset = programs_for(user)


NEW_KEY = "new_api_token_key"  # the session holds a new key only from the create to the next page shown


@login_required
def tokens_page(request):
    """List the tokens the user may see; a valid POST creates one, whose key the next page shows this once.

    Post, then redirect: reloading the page shows the list again and does not make a second token.
    """
    form = TokenCreateForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _token, key = create_token(request.user, data["name"], purpose=data["purpose"], days=data["days"],
                                       program=data["program"] if data["purpose"] == TokenPurpose.LISTS else None)
        except TokenError as exc:
            form.add_error(None, str(exc))
        else:
            request.session[NEW_KEY] = key
            return redirect("api_tokens")
    tokens = tokens_for(request.user).select_related("user", "program", "revoked_by")
    return render(request, "accounts/api_tokens.html", {
        "form": form, "key": request.session.pop(NEW_KEY, None), "tokens": tokens,
        "can_create": bool(purposes_for(request.user))})


@login_required
@require_POST
def revoke(request):
    """Revoke the posted token (`token`: its id) if the user may; 404 for one they may not see."""
    token = get_object_or_404(tokens_for(request.user), pk=small_int(request.POST.get("token", "")))
    revoke_token(request.user, token)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect("api_tokens")
