"""Pages that other apps add to: ``templates/<app label>/_<name>.html`` of every installed app.

A lower app's page offers a named place (``{% app_partials "group_detail" as parts %}``) and a
higher app fills it by shipping the template, so camp shows courses' part of a group page without
importing courses. The role home pages use the same mechanism.
"""

from functools import cache

from django.apps import apps
from django.template import TemplateDoesNotExist
from django.template.loader import get_template


@cache
def app_partials(name: str) -> tuple[str, ...]:
    found = []
    for config in apps.get_app_configs():  # INSTALLED_APPS order: bottom layer first
        template = f"{config.label}/_{name}.html"
        try:
            get_template(template)
        except TemplateDoesNotExist:
            continue
        found.append(template)
    return tuple(found)
