"""``manage.py create_organizer --email … --name …``: the first organizer of a new installation.

The password is asked for twice on the terminal, or read from the environment variable
QIAOCAMP_ORGANIZER_PASSWORD (for scripts). Later organizers, teachers and coordinators are
invited from the People page.
"""

import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from camp.services.accounts import organizer_create


class Command(BaseCommand):
    help = "Create the first organizer account (e-mail verified, can sign in at once)."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="the name people see, e.g. 普洱市侨联 王老师")
        parser.add_argument("--time-zone", default="Asia/Shanghai")
        parser.add_argument("--language", default="zh-hans", help="zh-hans, en, th, lo or my")
        parser.add_argument("--staff", action="store_true", help="also give access to the Django admin (repairs)")

    def handle(self, *args, **options):
        password = os.environ.get("QIAOCAMP_ORGANIZER_PASSWORD")
        if not password:
            if not options.get("interactive", True) or not os.isatty(0):
                raise CommandError("Set QIAOCAMP_ORGANIZER_PASSWORD or run the command on a terminal.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            user = organizer_create(
                email=options["email"], password=password, display_name=options["name"],
                time_zone=options["time_zone"], preferred_language=options["language"], staff=options["staff"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Organizer {user.email} created: sign in at /accounts/login/."))
