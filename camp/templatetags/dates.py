"""The `date` filter of every template (a builtin, settings.TEMPLATES): Django's, with the names of
the page's language from its format module (camp.dateformat). Same arguments, same output for
machine formats ("c", "Y-m-d"); only weekday and month names differ where Django has none."""

from django import template
from django.utils import dateformat as django_dateformat

from camp.dateformat import date_format

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if value in (None, ""):
        return ""
    try:
        return date_format(value, arg)
    except AttributeError:
        try:
            # A time (no date): Django's time formatting, as its own filter does.
            return django_dateformat.format(value, arg)
        except AttributeError:
            return ""
