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


@pytest.mark.django_db(transaction=True)
def test_room_copy_migration_fills_each_room_and_moves_its_link_to_the_item(group, phase, teacher):
    """live 0005→0007: a room gets its item's group, lesson, title, teacher and time; the link set on
    the room page becomes the item's own link (an item with its own link keeps it); video_url goes."""
    import datetime

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from courses.models import Lesson, PlanItem
    from tests import factories

    before, after = [("live", "0005_room_keeps_its_class")], [("live", "0007_room_copies_required")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        plan = factories.plan_of(group, phase)
        lesson = factories.catalog_lesson("书法直播课", minutes=60, format=Lesson.Format.LIVE)
        at = datetime.datetime.combine(phase.starts_on, datetime.time(12), tzinfo=datetime.UTC)
        # Built without save(): the post_save receiver must not meet the old room model.
        linked, own = factories.plan_items_bulk(plan, [(lesson, at, teacher),
                                                       (lesson, at + datetime.timedelta(days=1), None)])
        PlanItem.objects.filter(pk=own.pk).update(meeting_url="https://meet.example.org/own", duration_minutes=45)
        old = executor.loader.project_state(before).apps.get_model("live", "LiveSession")
        old.objects.create(plan_item_id=linked.pk, video_url="https://meet.example.org/room")
        old.objects.create(plan_item_id=own.pk, video_url="https://meet.example.org/room-2")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("live", "LiveSession")
        rows = {row["plan_item_id"]: row for row in new.objects.values()}
        assert "video_url" not in rows[linked.pk]
        assert {k: rows[linked.pk][k] for k in ("group_id", "lesson_id", "title", "teacher_id", "starts_at",
                                               "duration_minutes")} == {
            "group_id": group.pk, "lesson_id": lesson.pk, "title": "书法直播课", "teacher_id": teacher.pk,
            "starts_at": at, "duration_minutes": 60}
        assert rows[own.pk]["teacher_id"] is None and rows[own.pk]["duration_minutes"] == 45
        links = dict(PlanItem.objects.values_list("pk", "meeting_url"))
        assert links == {linked.pk: "https://meet.example.org/room", own.pk: "https://meet.example.org/own"}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
