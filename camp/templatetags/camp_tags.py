from django import template

from camp.partials import app_partials as find_partials

register = template.Library()


@register.simple_tag
def app_partials(name: str) -> tuple[str, ...]:
    """``{% app_partials "group_detail" as parts %}``: the apps' templates for that place, in layer order."""
    return find_partials(name)
