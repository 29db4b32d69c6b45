import ast
import importlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_without_migration():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit as exit_:
        pytest.fail(f"models changed without a migration:\n{out.getvalue()}", pytrace=False)
        raise exit_


def _data_migrations():
    """(module name, path) of every migration that runs Python on the data."""
    from django.apps import apps

    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if not str(folder).startswith(str(ROOT)):
            continue  # Django's and third-party apps
        for path in sorted(folder.glob("0*.py")):
            if "RunPython" in path.read_text():
                yield f"{config.name}.migrations.{path.stem}", path


def app_imports(source: str) -> list[tuple[int, str]]:
    """(line, module) of every import of project code, function-local and relative ones included."""
    from qiaocamp.registry import LAYERS

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = ["." * node.level + (node.module or "")] if node.level else [node.module or ""]
        else:
            continue
        found += [(node.lineno, module) for module in modules
                  if module.startswith(".") or module.split(".")[0] in LAYERS]
    return found


def test_data_migrations_import_no_app_code():
    """A data migration carries its own constants and functions: renaming or changing app code
    later must not break (or silently change) a migration that already ran elsewhere."""
    migrations = list(_data_migrations())
    assert {name for name, _path in migrations} >= {
        "camp.migrations.0003_youth_display_name_initial", "live.migrations.0003_starter_blocklists"}
    found = [f"{name}:{line} imports {module}" for name, path in migrations
             for line, module in app_imports(path.read_text())]
    assert not found, found


def test_the_check_sees_every_kind_of_app_import():
    source = (
        "import unicodedata\nfrom django.db import migrations\nimport camp.models\n"
        "def forwards(apps, schema_editor):\n    from live.services.blocklist import STARTER_TERMS\n"
        "    from .helpers import x\n    from pypinyin import lazy_pinyin\n"
    )
    assert app_imports(source) == [(3, "camp.models"), (5, "live.services.blocklist"), (6, ".helpers")]


@pytest.mark.django_db
def test_display_name_migration_recomputes_initials(make_participant, group):
    from django.apps import apps

    from camp.models import User

    migration = importlib.import_module("camp.migrations.0003_youth_display_name_initial")
    chen = make_participant(group, family_name="陈", given_name="小明")
    zeng = make_participant(group, family_name="曾", given_name="伟")
    thai = make_participant(group, family_name="ตั้งใจ", given_name="Somchai")
    paper = make_participant(group, family_name="王", given_name="芳", with_account=False)
    User.objects.filter(pk__in=[chen.user_id, zeng.user_id, thai.user_id]).update(display_name="old full name")
    migration.recompute(apps, None)
    names = dict(User.objects.filter(pk__in=[chen.user_id, zeng.user_id, thai.user_id]).values_list("pk",
                                                                                                   "display_name"))
    assert names == {chen.user_id: "小明 C.", zeng.user_id: "伟 Z.", thai.user_id: "Somchai ตั้."}
    assert paper.user_id is None


@pytest.mark.django_db
def test_starter_blocklist_migration_fills_existing_camps_once(camp):
    from django.apps import apps

    from live.models import BlockedTerm

    migration = importlib.import_module("live.migrations.0003_starter_blocklists")
    BlockedTerm.objects.filter(camp=camp).delete()
    BlockedTerm.objects.create(camp=camp, term="傻逼", language="zh-hans")
    migration.seed(apps, None)
    migration.seed(apps, None)
    expected = {term for terms in migration.STARTER_TERMS.values() for term in terms}
    terms = list(BlockedTerm.objects.filter(camp=camp).values_list("term", flat=True))
    assert sorted(terms) == sorted(expected)
