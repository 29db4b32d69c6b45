"""Test data has one source: the rows the tests share (people, camps, phases, groups, enrollments,
lessons, plans, templates, live sessions, attendance) are built by tests/factories.py, never by a
`Model.objects.create(...)` of their own in a test, a conftest or an access-matrix `build(world)`."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BUILT_BY_FACTORIES = {
    "User", "Participant", "Camp", "Phase", "Group", "Enrollment",
    "Lesson", "Topic", "Plan", "PlanItem", "PlanTemplate", "TemplateItem",
    "LiveSession", "AttendanceSpan",
}
CREATING = {"create", "get_or_create", "update_or_create", "create_user", "create_superuser", "bulk_create"}


def inline_builders(source: str) -> list[tuple[int, str]]:
    """(line, "Model.objects.method") of every use of a creating manager method of a factory-built
    model, called or handed on (`sync_to_async(LiveSession.objects.create)`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Attribute) and node.attr in CREATING):
            continue
        manager = node.value
        if (isinstance(manager, ast.Attribute) and manager.attr == "objects" and isinstance(manager.value, ast.Name)
                and manager.value.id in BUILT_BY_FACTORIES):
            found.append((node.lineno, f"{manager.value.id}.objects.{node.attr}"))
    return sorted(found)


def test_the_check_finds_an_inline_builder():
    source = (
        "def test_x(camp):\n"
        "    phase = Phase.objects.create(camp=camp, number=2)\n"
        "    sync_to_async(LiveSession.objects.get_or_create)(plan_item=item)\n"
        "    User.objects.create_user(username='u')\n"
        "    BlockedTerm.objects.create(camp=camp, term='x')  # not a shared row: allowed\n"
        "    factories.phase(camp, 3)\n"
    )
    assert inline_builders(source) == [
        (2, "Phase.objects.create"), (3, "LiveSession.objects.get_or_create"), (4, "User.objects.create_user")]


def test_every_test_builds_its_rows_with_the_factories():
    found = [f"{path.relative_to(TESTS.parent)}:{line}: {call}"
             for path in sorted(TESTS.rglob("*.py")) if path.name != "factories.py"
             for line, call in inline_builders(path.read_text())]
    assert not found, "build these rows with tests/factories.py:\n" + "\n".join(found)
