from django import forms

from mutakhir.registry.models import UpdatePeriod

from .periods import DATE_ORDER, date_problems


class PeriodForm(forms.ModelForm):
    """A period's name and dates; the dates must follow the stage order (periods.date_problems)."""

    class Meta:
        model = UpdatePeriod
        fields = ["name", *DATE_ORDER]
        widgets = {name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name in DATE_ORDER}

    def clean(self):
        data = super().clean()
        for name, message in date_problems(data).items():
            self.add_error(name, message)
        return data
