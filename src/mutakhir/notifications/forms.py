from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Message, NotificationSettings


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["enabled", "phone_channel", "email", "objection_days"]


class StopForm(forms.Form):
    reference = forms.CharField(label=_("Registration number or ticket number"), max_length=24,
                                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    recipient = forms.CharField(label=_("The phone number or e-mail address that received the message"),
                                max_length=254, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class OutboxFilter(forms.Form):
    state = forms.ChoiceField(label=_("state"), required=False,
                              choices=[("", _("all"))] + list(Message.State.choices))
