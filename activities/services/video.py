"""A youth's video re-muxed without its metadata, and a poster frame: ffmpeg, bounded in time.

A phone writes where it was into the container (the MP4/MOV `©xyz` location atom, a QuickTime
`com.apple.quicktime.location.ISO6709` key) just as it does into a photo's EXIF. `-c copy` keeps
the pictures and the sound as they are (no re-encoding: seconds, not minutes, on a small server);
`-map_metadata -1 -map_chapters -1` drops the container's and the streams' tags and the chapters.
"""

import io
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from PIL import Image

from camp.errors import DomainError

FFMPEG = "ffmpeg"
# A 20 MB clip re-muxes in well under a second; a file that takes longer is not a phone's clip.
FFMPEG_SECONDS = 60
POSTER_SIDE = 320
# The demuxer is named, never guessed: a file that sniffed as MP4 is read as MP4 and nothing else.
FORMATS = {
    "video/mp4": ("mov", "mp4", "mp4"),
    "video/quicktime": ("mov", "mov", "mov"),
    "video/webm": ("matroska", "webm", "webm"),
}


def _refused() -> DomainError:
    return DomainError(
        _("This video could not be read (damaged, or not a video we can show); nothing was saved."),
        code="video_broken",
    )


def _ffmpeg(*args: str) -> None:
    try:
        subprocess.run(
            [FFMPEG, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", *args],
            check=True,
            capture_output=True,
            timeout=FFMPEG_SECONDS,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        raise _refused() from None


def video_clean(data: bytes, content_type: str) -> tuple[bytes, bytes]:
    """(the video re-muxed without metadata, a JPEG poster of its first frame), or DomainError."""
    demuxer, muxer, extension = FORMATS[content_type]
    with tempfile.TemporaryDirectory(prefix="qiaocamp-video-") as folder:
        source = Path(folder) / f"in.{extension}"
        clean = Path(folder) / f"out.{extension}"
        frame = Path(folder) / "poster.png"
        source.write_bytes(data)
        # -protocol_whitelist file: the file may name no other file or address to read from.
        reading = ("-protocol_whitelist", "file", "-f", demuxer, "-i")
        faststart = ("-movflags", "+faststart") if muxer in {"mp4", "mov"} else ()
        _ffmpeg(
            *reading, str(source),
            "-map", "0", "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy",
            "-fflags", "+bitexact", *faststart, "-f", muxer, str(clean),
        )  # fmt: skip
        _ffmpeg(*reading, str(clean), "-map", "0:v:0", "-frames:v", "1", "-f", "image2", str(frame))
        if not clean.exists() or not clean.stat().st_size or not frame.exists():
            raise _refused()
        try:
            with Image.open(frame) as image:
                image = image.convert("RGB")
                image.thumbnail((POSTER_SIDE, POSTER_SIDE))
                poster = io.BytesIO()
                image.save(poster, "JPEG", quality=80)
        except (OSError, ValueError, Image.DecompressionBombError):
            raise _refused() from None
        return clean.read_bytes(), poster.getvalue()
