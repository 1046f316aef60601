"""The national inbox of district packages: list and upload, the dry run, apply (a job), refuse. Thin views."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mutakhir.core.bodylimit import body_limit
from mutakhir.core.downloads import attachment

from . import access
from .packages import PackageError
from .packages.inbox import acknowledgement as ack_of
from .packages.inbox import apply_jobs, do_refuse, do_start_apply, receive

PACKAGE_MAX_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("District package (.zip)"))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > PACKAGE_MAX_BYTES:
            raise forms.ValidationError(gettext_lazy("A package is at most 200 MB."))
        return file


@login_required
@body_limit(lambda: PACKAGE_MAX_BYTES)
def inbox(request):
    if not access.can_receive_packages(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = receive(form.cleaned_data["file"].read(), user=request.user)
        except PackageError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("registry:package", pk=submission.pk)
    return render(request, "registry/inbox.html", {"packages": access.packages_for(request.user), "form": form})


@login_required
def package(request, pk):
    submission = access.get_package_for_user(request.user, pk)
    return render(request, "registry/package.html", {"p": submission, "job": apply_jobs(submission).first()})


@login_required
@require_POST
def apply(request, pk):
    submission = access.get_package_for_user(request.user, pk)
    try:
        do_start_apply(submission, actor=request.user)
    except PackageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Applying the package to the registry: it is merged whole or not at all."))
    return redirect("registry:package", pk=pk)


@login_required
@require_POST
def refuse(request, pk):
    submission = access.get_package_for_user(request.user, pk)
    try:
        do_refuse(submission, reason=request.POST.get("reason", ""), actor=request.user)
    except PackageError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The package was refused; the district sees why."))
    return redirect("registry:package", pk=pk)


@login_required
def acknowledgement(request, pk):
    """The answer as a file, for a district running its own installation."""
    submission = access.get_package_for_user(request.user, pk)
    body = json.dumps(ack_of(submission), indent=2).encode()
    return attachment(body, "application/json", f"acknowledgement-{submission.district}-{submission.pk}.json")
