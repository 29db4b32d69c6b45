from tests.access.rules import Rule  # noqa: F401


def build(world) -> None:
    """Filled in with the activities pages."""


RULES: dict = {}
