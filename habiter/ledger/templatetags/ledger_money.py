"""`{{ amount|euros }}`: a Decimal amount as French pages and documents show it (1 234,56), exactly to the cent."""

from django import template

from habiter.core.formats import euros

register = template.Library()
register.filter("euros", euros)
