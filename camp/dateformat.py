"""Dates in the page's language: Django's date format, with the names and the weekday forms of the
language's format module (settings.FORMAT_MODULE_PATH, qiaocamp/formats/<language>/formats.py).

Django's catalogs have no Lao names and no short Burmese ones (they came out as Thai or English
fallbacks), so the names a page shows come from the format module when it gives them. Every date a
template shows goes through here: the `date` filter (camp.templatetags.dates, a template builtin
that replaces Django's), `{% when %}` and the certificates. One calendar per language: the
Gregorian one (docs/architecture.md, "Dates and times").
"""

import datetime

from django.utils import dateformat
from django.utils.formats import get_format, get_format_modules

# Formats that are ours, not Django's (get_format returns an unknown name as it is).
OWN_FORMATS = {
    "WEEKDAY_DATE_FORMAT": "D Y-m-d",
    "WEEKDAY_DATETIME_FORMAT": "D Y-m-d H:i",
}


def _module_value(name: str):
    for module in get_format_modules():
        if hasattr(module, name):
            return getattr(module, name)
    return None


def format_string(name: str | None) -> str:
    """The format for a format name of the active language (Django's or ours), or `name` itself."""
    name = name or "DATE_FORMAT"
    if name in OWN_FORMATS:
        return _module_value(name) or OWN_FORMATS[name]
    return get_format(name)


class LanguageDateFormat(dateformat.DateFormat):
    """Django's DateFormat with the active language's own names where its format module has them."""

    def _name(self, table: str, index: int):
        names = _module_value(table)
        return names[index] if names else None

    def D(self):  # noqa: N802 — the format character
        return self._name("WEEKDAYS_ABBR", self.data.weekday()) or super().D()

    def l(self):  # noqa: E741, E743 — the format character
        return self._name("WEEKDAYS", self.data.weekday()) or super().l()

    def M(self):  # noqa: N802
        return self._name("MONTHS_ABBR", self.data.month - 1) or super().M()

    def b(self):
        return self._name("MONTHS_ABBR", self.data.month - 1) or super().b()

    def N(self):  # noqa: N802
        return self._name("MONTHS_ABBR", self.data.month - 1) or super().N()

    def F(self):  # noqa: N802
        return self._name("MONTHS", self.data.month - 1) or super().F()

    def E(self):  # noqa: N802
        return self._name("MONTHS", self.data.month - 1) or super().E()


def date_format(value: datetime.date | datetime.datetime, name: str | None = None) -> str:
    """`value` in the active language: `name` is a format name (DATE_FORMAT, WEEKDAY_DATE_FORMAT…)
    or a format string ("Y-m-d" stays ISO in every language)."""
    return LanguageDateFormat(value).format(format_string(name))
