"""Start Janus with the project's configuration: `manage.py janus_run`.

Writes live/janus/*.jcfg, filled in from the settings (secrets, port of JANUS_URL, STUN, RTP
ports), to JANUS_CONFIG_DIR (default .janus/ in the project) and replaces this process with
`janus -F <dir> -C <dir>/janus.jcfg`, so a process manager stops Janus by stopping this command.
`--print-dir` only writes the files and prints where (e.g. for a systemd unit of your own).
"""

import os
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from live.video import config


class Command(BaseCommand):
    help = "Run the Janus media server with QiaoCamp's configuration (docs/video.md)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port", type=int, default=None, help="WebSocket API port (default: JANUS_URL's, else 8188)"
        )
        parser.add_argument(
            "--dir", default=None, help="where to write the configuration (default JANUS_CONFIG_DIR)"
        )
        parser.add_argument("--rtp-ports", default=None, help="media port range, e.g. 20000-40000")
        parser.add_argument("--debug-level", type=int, default=3, help="Janus log level 0-7")
        parser.add_argument(
            "--print-dir", action="store_true", help="write the files, print the folder, do not start"
        )

    def handle(self, *args, **options):
        directory = Path(options["dir"]) if options["dir"] else config.config_dir()
        files = config.render_config(
            directory.resolve(),
            ws_port=options["port"],
            rtp_ports=options["rtp_ports"],
            debug_level=options["debug_level"],
        )
        if options["print_dir"]:
            self.stdout.write(str(files.directory))
            return
        janus = shutil.which("janus") or "/usr/bin/janus"
        if not os.path.exists(janus):
            raise CommandError("janus is not installed: apt-get install janus (README, Video).")
        self.stdout.write(f"janus: ws://127.0.0.1:{files.ws_port} with {files.directory}/janus.jcfg")
        self.stdout.flush()
        os.execv(janus, [janus, "-F", str(files.directory), "-C", str(files.directory / "janus.jcfg")])
