"""Erase the personal data of camps that ended more than QIAOCAMP_RETENTION_MONTHS months ago.

Run it daily from cron (README, deployment); --dry-run lists what it would erase.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from privacy.services.retention import camp_personal_data_purge, expired_camps


class Command(BaseCommand):
    help = "Erase the personal data of camps whose retention period is over (docs/privacy.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be erased; change nothing."
        )
        parser.add_argument(
            "--months",
            type=int,
            default=None,
            help=f"Retention in months (default QIAOCAMP_RETENTION_MONTHS, "
            f"now {settings.QIAOCAMP_RETENTION_MONTHS}).",
        )
        parser.add_argument("--today", default=None, help="Pretend today is this day (YYYY-MM-DD).")

    def handle(self, *args, dry_run=False, months=None, today=None, **options):
        if months is not None and months < 0:
            raise CommandError("--months must be 0 or more.")
        if today is not None:
            try:
                today = datetime.date.fromisoformat(today)
            except ValueError:
                raise CommandError("--today must be a day, YYYY-MM-DD.") from None
        found = expired_camps(today=today, months=months)
        if not found:
            self.stdout.write("No camp is past its retention period.")
            return
        for item in found:
            line = (
                f'camp {item.camp.pk} "{item.camp.title}": ended {item.last_day}, kept until '
                f"{item.erase_after}; {item.youth} youth, {item.roster_files} roster files"
            )
            if dry_run:
                self.stdout.write(f"would erase {line}")
                continue
            erased = camp_personal_data_purge(camp=item.camp, today=today, months=months)
            self.stdout.write(f"erased {line} ({erased} youth erased)")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
