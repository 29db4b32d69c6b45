"""The one list of QiaoCamp's apps, bottom layer first.

Everything that stitches the apps together reads it: ``INSTALLED_APPS``, the root URLconf, the
navigation and the role home pages, ``seed_demo``, the access-matrix and layering tests. A new app
is one line here (see docs/architecture.md, "Adding an app").

Each app may provide, by convention:

- ``<app>.urls``       its pages (included at the root, without a namespace unless its urls set ``app_name``);
- ``<app>.selectors``  ``NAVIGATION = {role: [(url name, label), ...]}`` and ``home_context(user) -> dict``
                       (the role home page includes ``templates/<app>/_home_<role>.html``);
- ``<app>.demo``       ``seed(stdout)``: its part of the demo camp (run in this order);
- ``tests/access/<app>.py``  its rows of the access matrix.

This module is read by settings, so it imports nothing.
"""

from importlib import import_module
from importlib.util import find_spec

# Bottom first: each app may import only the apps before it (tests/test_layering.py enforces it).
APPS = ["camp", "notifications", "courses", "live", "activities", "reports", "privacy"]
PROJECT = "qiaocamp"
LAYERS = [*APPS, PROJECT]


def app_modules(suffix: str) -> list:
    """The ``<app>.<suffix>`` modules that exist, imported, in layer order."""
    modules = []
    for app in APPS:
        name = f"{app}.{suffix}"
        if find_spec(name) is not None:
            modules.append(import_module(name))
    return modules
