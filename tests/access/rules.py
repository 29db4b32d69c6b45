"""The vocabulary of the URL access matrix (tests/test_access_matrix.py).

Each app keeps its table in tests/access/<app>.py: `RULES = {url_name: Rule(...)}` and
`build(world)`, which adds the objects its URLs need to the shared world.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

PERSONAS = ("anonymous", "youth", "other_youth", "coordinator", "other_coordinator", "teacher", "organizer")
# Checked only where a rule names them (reach across camps and authors): an organizer of another camp,
# a teacher who wrote none of the world's lessons, a coordinator of `group` nobody has confirmed yet.
# tests/access/courses.py builds them as attributes of the world.
EXTRA_PERSONAS = ("other_organizer", "other_teacher", "unconfirmed_coordinator")
LOGIN = 302  # anonymous users are sent to a login page


@dataclass
class Rule:
    expect: dict[str, int]
    kwargs: Callable[[object], dict] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[object], dict] | None = None
    # Query string or path suffix, e.g. "?format=csv".
    query: str = ""

    def __post_init__(self):
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"rule does not say what happens for {sorted(missing)}")
        unknown = set(self.expect) - set(PERSONAS) - set(EXTRA_PERSONAS)
        if unknown:
            raise ValueError(f"rule names unknown personas {sorted(unknown)}")

    @property
    def personas(self) -> tuple[str, ...]:
        """The seven personas, then the extra ones this rule names."""
        return PERSONAS + tuple(persona for persona in EXTRA_PERSONAS if persona in self.expect)


def url_name(key: str) -> str:
    """A table's key is the URL name, or the URL name, "@" and a variant ("courses:feed_revoke@group")
    when one URL gets a second row (another object, another method)."""
    return key.partition("@")[0]


def table(default: int, anonymous: int = LOGIN, **by_persona: int) -> dict[str, int]:
    """Expected status per persona: `default` for everybody not named."""
    result = {persona: default for persona in PERSONAS}
    result["anonymous"] = anonymous
    result.update(by_persona)
    return result


def everyone(status: int) -> dict[str, int]:
    return {persona: status for persona in PERSONAS}
