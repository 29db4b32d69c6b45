from tests.access.rules import Rule, everyone, table  # noqa: F401


def build(world) -> None:
    """Add the objects this app's URLs need to the world."""


RULES: dict[str, Rule] = {}
