"""Every URL of the project against every persona. A URL missing from the table fails."""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qiaocamp.registry import APPS
from tests.access.rules import url_name

# The project shell's pages, then each app's table (tests/access/<app>.py), in the registry's order.
RULE_MODULES = ["tests.access.foundation", *[f"tests.access.{app}" for app in APPS]]
# Third-party URL trees with their own access rules; the allauth pages we use are in the table.
THIRD_PARTY_PREFIXES = ("admin/", "accounts/")


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), (namespace + pattern.name) if pattern.name else None


def project_urls():
    return list(_walk(get_resolver().url_patterns))


def load_rules():
    rules, builders = {}, []
    for module_name in RULE_MODULES:
        module = importlib.import_module(module_name)
        overlap = set(rules) & set(module.RULES)
        assert not overlap, f"{module_name} repeats rules for {overlap}"
        rules.update(module.RULES)
        builders.append(module.build)
    return rules, builders


def test_every_project_url_has_an_access_rule():
    rules, _builders = load_rules()
    names = {url_name(key) for key in rules}
    missing, unnamed = [], []
    for route, name in project_urls():
        if route.startswith(THIRD_PARTY_PREFIXES) and name not in names:
            continue
        if name is None:
            unnamed.append(route)
        elif name not in names:
            missing.append(f"{name} ({route})")
    assert not unnamed, f"URL patterns without a name cannot enter the matrix: {unnamed}"
    assert not missing, f"URLs without an access rule in tests/access/: {missing}"
    known = {name for _route, name in project_urls()}
    stale = sorted(names - known)
    assert not stale, f"rules for URLs that no longer exist: {stale}"


@pytest.mark.django_db
def test_access_matrix(client, world, personas):
    rules, builders = load_rules()
    for build in builders:
        build(world)
    failures = []
    for key, rule in rules.items():
        url = reverse(url_name(key), kwargs=rule.kwargs(world)) + rule.query
        for persona in rule.personas:
            client.logout()
            # The extra personas (rules.EXTRA_PERSONAS) are built by the tables on the world.
            user = personas[persona] if persona in personas else getattr(world, persona)
            if user is not None:
                client.force_login(user)
            data = rule.data(world) if rule.data else None
            response = getattr(client, rule.method)(url, data=data) if data is not None else getattr(
                client, rule.method
            )(url)
            expected = rule.expect[persona]
            if response.status_code != expected:
                failures.append(f"{rule.method.upper()} {url} as {persona}: {response.status_code}, expected {expected}")
    assert not failures, "access matrix mismatches:\n" + "\n".join(failures)
