"""How people's names are shown: the filter of ``enforcement.people.display_name``."""

from django import template

from enforcement import people

register = template.Library()
register.filter("display_name", people.display_name)
