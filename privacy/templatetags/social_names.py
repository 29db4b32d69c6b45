from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def provider_label(provider) -> str:
    """The name families know the app by: LINE, WeChat (微信 in Chinese) — not allauth's "Line", "Weixin"."""
    provider_id = getattr(provider, "id", provider)
    if provider_id == "weixin":
        return _("WeChat")
    if provider_id == "line":
        return "LINE"
    return getattr(provider, "name", str(provider))
