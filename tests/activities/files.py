"""Small real files for the upload tests: a JPEG with a GPS position in its EXIF, a PNG, an MP4 head,
a real one-second MP4 (made by ffmpeg) carrying a location tag as a phone writes it."""

import functools
import io
import subprocess
import tempfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825


def jpeg_bytes(*, gps: bool = True, size=(640, 480), color=(200, 30, 30)) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if gps:
        # Where the child lives: 13°45'N 100°30'E (Bangkok).
        exif[GPS_IFD] = {1: "N", 2: (13.0, 45.0, 0.0), 3: "E", 4: (100.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(300, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 128, 0, 128)).save(out, "PNG")
    return out.getvalue()


# Where the phone was: Bangkok, as ISO 6709 (the MP4 "\xa9xyz" atom ffmpeg writes for `location`).
LOCATION = "+13.7500+100.5000/"


def mp4_bytes(size: int = 2048) -> bytes:
    """An MP4 head and zeros: typed as a video, refused by ffmpeg (for the checks before it)."""
    head = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
    return head + b"\x00" * (size - len(head))


@functools.cache
def real_video_bytes(extension: str = "mp4") -> bytes:
    """One second of a 64x48 test picture with a tone, its location and a title in the metadata."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"clip.{extension}"
        subprocess.run(
            ["ffmpeg", "-nostdin", "-loglevel", "error", "-y",
             "-f", "lavfi", "-i", "testsrc=size=64x48:rate=10:duration=1",
             "-f", "lavfi", "-i", "sine=frequency=440:duration=1",
             "-c:v", "mpeg4", "-c:a", "aac", "-shortest",
             "-metadata", f"location={LOCATION}", "-metadata", "title=at home",
             "-metadata:s:v:0", "location=" + LOCATION, str(out)],
            check=True,
            capture_output=True,
            timeout=60,
        )  # fmt: skip
        return out.read_bytes()


def photo(name: str = "brush.jpg", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(**kwargs), content_type="image/jpeg")


def video(name: str = "tea.mp4", extension: str = "mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, real_video_bytes(extension), content_type="video/mp4")
