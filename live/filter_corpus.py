"""The chat filter measured on a corpus (docs/live-protocol.md §9): everyday classroom phrases that
must all pass, and rude words, links and contact handles that must all be refused for their reason.

Corpus files (tests/live/corpus/): `everyday.txt` with lines "<language>: <phrase>" and
`refused.txt` with lines "<language> <word|link|contact>: <text>"; # starts a comment. Each line is
checked as a youth's chat message in a room where links are off, against the starter lists.
`manage.py filter_corpus` prints the figures; tests/live/test_filter_corpus.py holds them to 0.
"""

import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from live.services.blocklist import CONTACT, LINK, STARTER_TERMS, WORD, CompiledBlocklist, content_refusal

LANGUAGES = ("zh-hans", "th", "lo", "my", "en")
REASONS = (WORD, LINK, CONTACT)


def default_dir() -> Path:
    return Path(settings.BASE_DIR) / "tests" / "live" / "corpus"


@dataclass(frozen=True)
class Line:
    language: str
    text: str
    expected: str | None  # None: must pass; else the reason it must be refused for
    where: str  # file:line


def _read(path: Path, *, refused: bool) -> list[Line]:
    lines = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        head, sep, text = raw.partition(": ")
        parts = head.split()
        where = f"{path.name}:{number}"
        if not sep or not text.strip() or len(parts) != (2 if refused else 1) or parts[0] not in LANGUAGES:
            raise ValueError(f"{where}: expected '<language>{' <reason>' if refused else ''}: <text>'")
        if refused and parts[1] not in REASONS:
            raise ValueError(f"{where}: the reason is one of {', '.join(REASONS)}")
        lines.append(Line(parts[0], text, parts[1] if refused else None, where))
    return lines


def read_corpus(directory: Path | None = None) -> tuple[list[Line], list[Line]]:
    directory = directory or default_dir()
    return (_read(directory / "everyday.txt", refused=False), _read(directory / "refused.txt", refused=True))


@dataclass
class Figures:
    everyday: dict[str, int] = field(default_factory=dict)  # language -> phrases
    everyday_refused: dict[str, int] = field(default_factory=dict)
    rude: dict[str, int] = field(default_factory=dict)
    rude_refused: dict[str, int] = field(default_factory=dict)
    by_reason: dict[str, dict[str, int]] = field(default_factory=dict)  # language -> reason -> lines
    wrong: list[tuple[Line, str | None]] = field(default_factory=list)  # (line, what the filter said)
    seconds: float = 0.0
    checked: int = 0

    def table(self) -> str:
        """The figures as the Markdown table in docs/live-protocol.md."""
        rows = ["| language | everyday phrases | refused | rude / link / contact lines | refused "
                "(word · link · contact) |",
                "| --- | ---: | ---: | ---: | ---: |"]
        for language in (*LANGUAGES, None):
            pick = (lambda d, lang=language: d.get(lang, 0)) if language else (lambda d: sum(d.values()))
            reasons = [sum(r.get(reason, 0) for lang, r in self.by_reason.items() if language in (None, lang))
                       for reason in REASONS]
            rows.append(f"| {language or '**all**'} | {pick(self.everyday)} | {pick(self.everyday_refused)} "
                        f"| {pick(self.rude)} | {pick(self.rude_refused)} ({' · '.join(map(str, reasons))}) |")
        return "\n".join(rows)


def measure(directory: Path | None = None, terms=None) -> Figures:
    """Run the filter over the corpus (with the starter lists unless `terms` is given)."""
    everyday, refused = read_corpus(directory)
    blocklist = CompiledBlocklist.build(terms if terms is not None else
                                        [t for language_terms in STARTER_TERMS.values() for t in language_terms])
    figures = Figures()
    started = time.perf_counter()
    for line in everyday + refused:
        said = content_refusal(blocklist, line.text, youth=True, links_allowed=False)
        if line.expected is None:
            figures.everyday[line.language] = figures.everyday.get(line.language, 0) + 1
            if said is not None:
                figures.everyday_refused[line.language] = figures.everyday_refused.get(line.language, 0) + 1
                figures.wrong.append((line, said))
        else:
            figures.rude[line.language] = figures.rude.get(line.language, 0) + 1
            if said is not None:
                figures.rude_refused[line.language] = figures.rude_refused.get(line.language, 0) + 1
                reasons = figures.by_reason.setdefault(line.language, {})
                reasons[said] = reasons.get(said, 0) + 1
            if said != line.expected:
                figures.wrong.append((line, said))
    figures.seconds = time.perf_counter() - started
    figures.checked = len(everyday) + len(refused)
    return figures
