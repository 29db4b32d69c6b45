from django import template
from django.utils.html import format_html

from camp.names import tells_apart as name_tells_apart
from camp.partials import app_partials as find_partials
from camp.zones import country_name as name_of_country
from camp.zones import zone_city as city_of_zone

register = template.Library()


@register.simple_tag
def app_partials(name: str) -> tuple[str, ...]:
    """``{% app_partials "group_detail" as parts %}``: the apps' templates for that place, in layer order."""
    return find_partials(name)


@register.filter
def tells_apart(participant, with_group=False) -> str:
    """Beside a youth's name on adults' pages: what tells two youth of the same name apart."""
    bits = name_tells_apart(participant, with_group=bool(with_group))
    return format_html('<span class="muted tells-apart">{}</span>', " · ".join(bits)) if bits else ""


@register.filter
def country_name(code) -> str:
    return name_of_country(str(code or ""))


@register.filter
def zone_city(zone) -> str:
    return city_of_zone(zone)
