from django import template

from mutakhir.registry.display import mask_id

register = template.Library()
register.filter("mask_id", mask_id)
