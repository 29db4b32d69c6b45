from django import template

from activities.selectors import closing_showcase

register = template.Library()


@register.simple_tag
def closing_showcase_of(session):
    """`{% closing_showcase_of session as pieces %}`: the closing ceremony's showcase."""
    return closing_showcase(session)
