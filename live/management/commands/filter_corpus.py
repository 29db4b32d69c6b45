"""Print the chat filter's figures on its corpus (docs/live-protocol.md §9): how many everyday
phrases it refused (must be 0) and how many rude/link/contact lines it let through (must be 0)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from live.filter_corpus import default_dir, measure


class Command(BaseCommand):
    help = "Measure the chat filter on tests/live/corpus (everyday phrases must pass, the others be refused)."

    def add_arguments(self, parser):
        parser.add_argument("--corpus", type=Path, default=None,
                            help=f"directory with everyday.txt and refused.txt (default {default_dir()})")

    def handle(self, *args, corpus=None, **options):
        try:
            figures = measure(corpus)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write("Chat filter on the corpus: starter lists, a youth's messages, links off.\n")
        self.stdout.write(figures.table() + "\n")
        per_message = figures.seconds / max(figures.checked, 1) * 1e6
        self.stdout.write(f"\n{figures.checked} messages checked, {per_message:.0f} µs a message on this machine.\n")
        for line, said in figures.wrong:
            wanted = f"refused ({line.expected})" if line.expected else "passed"
            self.stdout.write(f"WRONG {line.where} [{line.language}] should be {wanted}, was "
                              f"{'refused (' + said + ')' if said else 'passed'}: {line.text}\n")
        if figures.wrong:
            raise CommandError(f"{len(figures.wrong)} lines judged wrong")
