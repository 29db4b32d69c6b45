"""Countries and time zones as people read them: a country's name in the page's language, a zone
as its city ("Vientiane", "Yangon"), never a raw IANA name like "Asia/Vientiane" shown to a child.

The zones of each country come from the tz database's zone.tab (shipped in the tzdata wheel), so
a group in Laos is offered Laos's one zone first instead of some 400 names.
"""

import functools
import importlib.resources
import zoneinfo

from django.utils.translation import gettext_lazy as _

# The countries the camp's groups come from, in the page's language; any other country of the tz
# database is offered under its English name (tz's iso3166.tab) after these.
COUNTRY_NAMES = {
    "TH": _("Thailand"),
    "LA": _("Laos"),
    "MM": _("Myanmar"),
    "KH": _("Cambodia"),
    "VN": _("Vietnam"),
    "MY": _("Malaysia"),
    "SG": _("Singapore"),
    "ID": _("Indonesia"),
    "PH": _("Philippines"),
    "BN": _("Brunei"),
    "CN": _("China"),
    "HK": _("Hong Kong"),
    "MO": _("Macao"),
    "TW": _("Taiwan"),
    "JP": _("Japan"),
    "KR": _("South Korea"),
    "IN": _("India"),
    "AU": _("Australia"),
    "NZ": _("New Zealand"),
    "US": _("United States"),
    "CA": _("Canada"),
    "GB": _("United Kingdom"),
    "FR": _("France"),
    "DE": _("Germany"),
    "IT": _("Italy"),
    "ES": _("Spain"),
    "NL": _("Netherlands"),
}

# Cities of the zones the camp's people live in, in the page's language; other zones show the last
# part of their name ("America/Sao_Paulo" → "Sao Paulo").
CITY_NAMES = {
    "Asia/Shanghai": _("Beijing"),
    "PRC": _("Beijing"),
    "Asia/Bangkok": _("Bangkok"),
    "Asia/Vientiane": _("Vientiane"),
    "Asia/Yangon": _("Yangon"),
    "Asia/Rangoon": _("Yangon"),
    "Asia/Phnom_Penh": _("Phnom Penh"),
    "Asia/Ho_Chi_Minh": _("Ho Chi Minh City"),
    "Asia/Kuala_Lumpur": _("Kuala Lumpur"),
    "Asia/Singapore": _("Singapore"),
    "Asia/Jakarta": _("Jakarta"),
    "Asia/Manila": _("Manila"),
    "Asia/Hong_Kong": _("Hong Kong"),
    "Asia/Taipei": _("Taipei"),
    "Asia/Tokyo": _("Tokyo"),
    "Asia/Seoul": _("Seoul"),
    "Europe/London": _("London"),
    "Europe/Paris": _("Paris"),
    "America/Toronto": _("Toronto"),
    "America/Vancouver": _("Vancouver"),
    "America/New_York": _("New York"),
    "America/Los_Angeles": _("Los Angeles"),
    "Australia/Sydney": _("Sydney"),
    "Australia/Melbourne": _("Melbourne"),
}


def _tab_rows(name: str) -> list[list[str]]:
    text = importlib.resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@functools.cache
def country_zones() -> dict[str, tuple[str, ...]]:
    """Country code → its zones, as zone.tab lists them (most populous first)."""
    available = zoneinfo.available_timezones()
    zones: dict[str, list[str]] = {}
    for row in _tab_rows("zone.tab"):
        if len(row) >= 3 and row[2] in available:
            zones.setdefault(row[0], []).append(row[2])
    return {code: tuple(names) for code, names in zones.items()}


@functools.cache
def _english_country_names() -> dict[str, str]:
    return {row[0]: row[1] for row in _tab_rows("iso3166.tab") if len(row) >= 2}


def country_name(code: str) -> str:
    code = (code or "").upper()
    return str(COUNTRY_NAMES.get(code) or _english_country_names().get(code, code))


def zone_city(zone) -> str:
    """The city a zone is named after, translated when the camp knows it: "Vientiane", "北京"."""
    name = str(zone)
    return str(CITY_NAMES.get(name) or name.split("/")[-1].replace("_", " "))


def country_choices() -> list[tuple[str, str]]:
    """The camp's countries first (in the page's language, sorted), then every other country."""
    known = sorted(((code, str(label)) for code, label in COUNTRY_NAMES.items()), key=lambda pair: pair[1])
    others = sorted(
        ((code, name) for code, name in _english_country_names().items() if code not in COUNTRY_NAMES),
        key=lambda pair: pair[1],
    )
    return [("", "—")] + known + [(str(_("Other countries")), others)]


def zone_choices(country: str = "") -> list:
    """Zones grouped by country, the given country's group first; each zone shown as its city."""
    zones = country_zones()
    first = (country or "").upper()
    order = [first] if first in zones else []
    order += sorted((code for code in zones if code != first), key=country_name)
    groups = [(country_name(code), [(zone, zone_city(zone)) for zone in zones[code]]) for code in order]
    listed = {zone for code in zones for zone in zones[code]}
    # UTC and the zones no country lists, for whoever needs them; still valid choices.
    extra = sorted(zoneinfo.available_timezones() - listed)
    return groups + [(str(_("Other time zones")), [(zone, zone) for zone in extra])]
