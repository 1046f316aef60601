"""Template filters: a PMT variable's label and a value it used, in the reader's language (ranking.labels)."""

from django import template

from mutakhir.ranking import labels

register = template.Library()


@register.filter
def variable_label(name: str) -> str:
    return labels.variable_label(name)


@register.filter
def value_label(value, name: str) -> str:
    return labels.value_label(name, value)
