"""A new version of the consent text: every guardian is asked again (docs/consent.md)."""

from django.core.management.base import BaseCommand

from camp.services.consent import consent_version_publish


class Command(BaseCommand):
    help = (
        "Publish a new version of the guardian consent text. Every youth's consent_given drops to False "
        "until their guardian agrees again (not logged out at once). Write the text first: "
        "templates/camp/guardian/consent_v<N>.html."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--changes", default="", help="What changed, shown to the guardian above the text."
        )

    def handle(self, *args, changes: str, **options):
        version = consent_version_publish(changes=changes)
        self.stdout.write(f"consent text version {version.number} published; every guardian is asked again")
