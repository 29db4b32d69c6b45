from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qiaocamp.registry import app_modules


class Command(BaseCommand):
    help = "Create the demo camp (亲情中华·为你讲故事, 普洱市侨联). Idempotent: running it twice changes nothing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production", action="store_true",
            help="Seed even with QIAOCAMP_PRODUCTION=1 (a staging copy): it creates a superuser with the "
                 "published demo password and fixed youth join codes.",
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION and not options["allow_production"]:
            raise CommandError(
                "Refusing to seed the demo camp with QIAOCAMP_PRODUCTION=1: it creates a superuser with the "
                "published password and fixed join codes. Pass --allow-production for a staging copy."
            )
        with transaction.atomic():
            # Each app seeds its part of the demo camp, bottom layer first (later parts build on earlier ones).
            for module in app_modules("demo"):
                module.seed(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo camp ready. Sign in as organizer@example.org / camp-demo-2026."))
