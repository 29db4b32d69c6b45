"""Convert the recordings of ended classes that are not ready yet (the after-class conversion
runs by itself; this is for one that was interrupted): `manage.py recordings_convert [--session N]`."""

from django.core.management.base import BaseCommand

from live.video.recordings import recordings_convert


class Command(BaseCommand):
    help = "Convert class recordings (Janus .mjr files) to playable WebM files (docs/video.md)."

    def add_arguments(self, parser):
        parser.add_argument("--session", type=int, default=None)

    def handle(self, *args, session=None, **options):
        ready = recordings_convert(session_id=session)
        self.stdout.write(f"{ready} recording(s) ready")
