"""Forms of fitting a PMT model in the app: the survey file, the fit settings from its columns, publishing."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .columns import chosen_variables, default_settings
from .labels import variable_label
from .snapshot import ID_COLUMN
from .survey import FitSettings

SURVEY_MAX_BYTES = 200 * 2**20  # a national survey (SUSENAS: ~300,000 households) as CSV is well under this


class SurveyForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Survey file (CSV or Parquet)"),
                           help_text=gettext_lazy("One row per household: the target (e.g. log per-capita "
                                                  "consumption), a weight, a region code and the characteristics."))

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > SURVEY_MAX_BYTES:
            raise forms.ValidationError(gettext_lazy("A survey file is at most 200 MB."))
        return file


def column_label(name: str) -> str:
    """A survey column as the analyst reads it: the registry's label where the column is the registry's, then the
    file's own name (the one to look for in the file)."""
    label = variable_label(name)
    return name if label == name else f"{label} ({name})"


class FitForm(forms.Form):
    """The settings of `mutakhir pmt fit`, chosen from the survey's columns; defaults from ranking/columns.py."""

    target = forms.ChoiceField(label=gettext_lazy("Target (to predict)"))
    weight = forms.ChoiceField(label=gettext_lazy("Survey weight"), required=False)
    region_column = forms.ChoiceField(label=gettext_lazy("Region (one model per region code)"), required=False)
    area_column = forms.ChoiceField(label=gettext_lazy("Small areas (empirical-Bayes area effects)"), required=False)
    area_digits = forms.IntegerField(label=gettext_lazy("Area: first N digits of the code"), required=False,
                                     min_value=1, max_value=10,
                                     help_text=gettext_lazy("6: the sub-district of a village code."))
    variables = forms.MultipleChoiceField(label=gettext_lazy("Variables"), widget=forms.CheckboxSelectMultiple)
    categorical = forms.MultipleChoiceField(label=gettext_lazy("Coded answers (one dummy per category)"),
                                            widget=forms.CheckboxSelectMultiple, required=False)
    log = forms.MultipleChoiceField(label=gettext_lazy("Taken as a logarithm"), widget=forms.CheckboxSelectMultiple,
                                    required=False)
    folds = forms.IntegerField(label=gettext_lazy("Cross-validation folds"), min_value=2, max_value=10, initial=5)

    def __init__(self, columns: list[dict], *args, **kwargs):
        defaults = default_settings(columns)
        kwargs.setdefault("initial", {
            "target": defaults.target, "weight": defaults.weight or "", "region_column": defaults.region_column or "",
            "variables": chosen_variables(columns, defaults), "categorical": defaults.categorical,
            "log": defaults.log, "folds": 5})
        super().__init__(*args, **kwargs)
        self.columns = columns
        names = [(c["name"], column_label(c["name"])) for c in columns]
        numeric = [(c["name"], column_label(c["name"])) for c in columns if c["numeric"]]
        none = [("", _("(none)"))]
        self.fields["target"].choices = numeric
        self.fields["weight"].choices = none + numeric
        self.fields["region_column"].choices = none + names
        self.fields["area_column"].choices = none + names
        self.fields["variables"].choices = self.fields["categorical"].choices = names
        self.fields["log"].choices = numeric

    def clean(self):
        data = super().clean()
        roles = {data.get(k) for k in ("target", "weight", "region_column", "area_column")} - {None, ""}
        both = roles & set(data.get("variables", []))
        if both:
            raise forms.ValidationError(_("A column cannot be both a variable and the target, weight, region or "
                                          "area: %(names)s") % {"names": ", ".join(sorted(both))})
        twice = set(data.get("categorical", [])) & set(data.get("log", []))
        if twice:
            raise forms.ValidationError(_("A coded answer cannot be taken as a logarithm: %(names)s")
                                        % {"names": ", ".join(sorted(twice))})
        if data.get("area_digits") and not data.get("area_column"):
            self.add_error("area_digits", _("Choose the area column first."))
        return data

    def settings(self) -> FitSettings:
        """Return the FitSettings of the chosen columns: every other column is ignored."""
        data = self.cleaned_data
        used = set(data["variables"])
        roles = {data["target"], data["weight"], data["region_column"], data["area_column"], ID_COLUMN}
        return FitSettings(target=data["target"], weight=data["weight"] or None,
                           region_column=data["region_column"] or None, area_column=data["area_column"] or None,
                           area_digits=data["area_digits"] if data["area_column"] else None,
                           categorical=[n for n in data["categorical"] if n in used],
                           log=[n for n in data["log"] if n in used],
                           ignore=[c["name"] for c in self.columns if c["name"] not in used | roles],
                           folds=data["folds"])


class PublishForm(forms.Form):
    name = forms.SlugField(label=gettext_lazy("Name"), max_length=80,
                           help_text=gettext_lazy("Letters, digits and dashes; publishing under the same name "
                                                  "adds its next version."))
    note = forms.CharField(label=gettext_lazy("Note"), max_length=255, required=False)
