"""Form fields of field evidence: a photo input that yields the cleaned photo, and the browser's location.

The location comes from the browser's geolocation (static/js/geolocate.js fills three hidden inputs when
the user presses the button): nothing is sent unless the user asks for it and the browser allows it.
"""

from django import forms

from .evidence import ACCEPT, EvidenceRefused, clean_photo, max_bytes, parse_location, read_upload


class PhotoField(forms.FileField):
    """An optional photo; cleaned, it is the JPEG to store (evidence.clean_photo), or None when none was sent."""

    def __init__(self, **kwargs):
        attrs = {"accept": ACCEPT, "capture": "environment"}
        super().__init__(required=False, widget=forms.FileInput(attrs=attrs), **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        try:
            return clean_photo(read_upload(upload))
        except EvidenceRefused as exc:
            raise forms.ValidationError(str(exc)) from exc


class EvidenceForm(forms.Form):
    """Photos (the PhotoFields a subclass declares) and the three hidden inputs the geolocation button fills.

    Cleaned, `photos()` gives the cleaned photos sent (field name -> JPEG) and `location()` a Location or None.
    """

    latitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    accuracy = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        try:
            data["location"] = parse_location(data.get("latitude"), data.get("longitude"), data.get("accuracy"))
        except EvidenceRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data

    def photos(self) -> dict[str, bytes]:
        return {name: self.cleaned_data[name] for name, field in self.fields.items()
                if isinstance(field, PhotoField) and self.cleaned_data.get(name)}

    def location(self):
        return self.cleaned_data.get("location")

    @staticmethod
    def max_mb() -> int:
        return max_bytes() // 2**20

