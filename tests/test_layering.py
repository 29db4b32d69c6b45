"""Each layer imports only the layers below it: camp ← courses ← live ← reports ← qiaocamp.

Every import counts: module level, inside functions, ``import x.y``, relative imports and
``importlib.import_module("...")`` with a literal name. docs/architecture.md explains the rule.
"""

import ast
from pathlib import Path

from qiaocamp.registry import LAYERS

ROOT = Path(__file__).resolve().parent.parent
# The one allowed exception: `camp.asgi` re-exports `qiaocamp.asgi` for one release (README, Deploy).
DEPRECATED_SHIMS = {"camp.asgi": "qiaocamp.asgi"}


def _imported_modules(source: str, module: str, is_package: bool):
    """(line, imported module name) for every import in the source of ``module``."""
    tree = ast.parse(source)
    package_parts = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package_parts[: len(package_parts) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            yield node.lineno, name
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def upward_imports(layer: str, module: str, source: str, is_package: bool = False) -> list[str]:
    """The imports in ``source`` (a module of ``layer``) that reach a higher layer."""
    rank = {name: index for index, name in enumerate(LAYERS)}
    found = []
    for line, name in _imported_modules(source, module, is_package):
        top = name.split(".")[0]
        if top in rank and rank[top] > rank[layer]:
            found.append(f"{module}:{line} imports {name} ({top} is above {layer})")
    return found


def project_modules():
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            relative = path.relative_to(ROOT).with_suffix("")
            parts = list(relative.parts)
            is_package = parts[-1] == "__init__"
            if is_package:
                parts = parts[:-1]
            yield layer, ".".join(parts), path, is_package


def test_no_layer_imports_a_higher_one():
    modules = list(project_modules())
    assert len(modules) > 100, "the scan found too few modules: is ROOT right?"
    violations = []
    for layer, module, path, is_package in modules:
        found = upward_imports(layer, module, path.read_text(encoding="utf-8"), is_package)
        if module in DEPRECATED_SHIMS:
            assert found == [f"{module}:1 imports {DEPRECATED_SHIMS[module]} (qiaocamp is above {layer})"]
            continue
        violations += found
    assert not violations, "imports from a higher layer:\n" + "\n".join(violations)


def test_the_layering_check_catches_upward_imports():
    """The check itself: each shape of upward import is found, downward ones are not."""
    assert upward_imports("camp", "camp.forms", "from courses.models import Topic\n")
    hidden = "def f():\n    from live.models import LiveSession\n    return LiveSession\n"
    assert upward_imports("courses", "courses.views", hidden) == [
        "courses.views:2 imports live.models (live is above courses)"
    ]
    assert upward_imports("live", "live.x", "import reports.selectors\n")
    assert upward_imports("reports", "reports.x", "import importlib\nimportlib.import_module('qiaocamp.registry')\n")
    assert upward_imports("camp", "camp.services.x", "from ..courses import models\n") == []  # camp.courses
    assert upward_imports("camp", "camp.services.groups", "from ..models import Group\n") == []
    assert upward_imports("camp", "camp", "from .access import x\n", is_package=True) == []
    downward = "from camp.models import Group\nfrom courses.models import Lesson\nfrom live.models import LiveSession\n"
    assert upward_imports("reports", "reports.views", downward) == []
    assert upward_imports("qiaocamp", "qiaocamp.urls", downward + "import reports.urls\n") == []
