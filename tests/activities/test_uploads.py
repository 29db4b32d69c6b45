import io
import json
import subprocess
import tempfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities.models import Upload
from activities.services import uploads, video
from camp.errors import DomainError
from tests.activities import files


def _stored_files() -> set[str]:
    root = "activities"
    found = set()
    if not default_storage.exists(root):
        return found
    folders, _ = default_storage.listdir(root)
    for folder in folders:
        found |= {f"{root}/{folder}/{name}" for name in default_storage.listdir(f"{root}/{folder}")[1]}
    return found


@pytest.mark.django_db
def test_a_photo_is_stored_without_its_exif_and_with_a_thumbnail(youth_participant):
    original = files.jpeg_bytes(gps=True, size=(3000, 1000))
    assert Image.open(io.BytesIO(original)).getexif().get(files.GPS_IFD)
    upload = uploads.upload_store(
        participant=youth_participant, file=SimpleUploadedFile("IMG_0001.JPG", original)
    )
    assert upload.kind == Upload.Kind.PHOTO and upload.content_type == "image/jpeg"
    with upload.file.open("rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
    assert not stored.getexif(), "the EXIF (GPS, make) must be gone"
    assert max(stored.size) == uploads.PHOTO_MAX_SIDE
    with upload.thumbnail.open("rb") as handle:
        assert max(Image.open(handle).size) == uploads.THUMBNAIL_SIDE
    assert "IMG_0001" not in upload.file.name, "stored names tell nothing"


@pytest.mark.django_db
def test_png_with_transparency_becomes_a_jpeg(youth_participant):
    upload = uploads.upload_store(
        participant=youth_participant, file=SimpleUploadedFile("a.png", files.png_bytes())
    )
    assert upload.file.name.endswith(".jpg")


@pytest.mark.ffmpeg
@pytest.mark.django_db
def test_a_video_is_typed_by_its_content_not_its_name(youth_participant):
    upload = uploads.upload_store(participant=youth_participant, file=files.video("clip.jpg"))
    assert upload.kind == Upload.Kind.VIDEO and upload.content_type == "video/mp4"
    assert upload.file.name.endswith(".mp4")


def _probe(path: str) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_format", "-show_streams", "-show_chapters", "-of", "json", path],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return json.loads(out.stdout)


def _tags(probe: dict) -> dict:
    tags = dict(probe["format"].get("tags", {}))
    for stream in probe["streams"]:
        tags.update(stream.get("tags", {}))
    return {key.lower(): value for key, value in tags.items()}


@pytest.mark.ffmpeg
@pytest.mark.parametrize(("extension", "content_type"), [("mp4", "video/mp4"), ("mov", "video/quicktime")])
@pytest.mark.django_db
def test_a_videos_location_is_gone_from_the_stored_file(youth_participant, extension, content_type):
    sent = files.real_video_bytes(extension)
    with tempfile.NamedTemporaryFile(suffix=f".{extension}") as original:
        original.write(sent)
        original.flush()
        assert _tags(_probe(original.name))["location"] == files.LOCATION  # the phone's clip has it
    upload = uploads.upload_store(
        participant=youth_participant, file=SimpleUploadedFile(f"tea.{extension}", sent)
    )
    assert upload.content_type == content_type
    probe = _probe(upload.file.path)
    tags = _tags(probe)
    assert "location" not in tags and "title" not in tags and not probe.get("chapters")
    stored = upload.file.read()
    assert files.LOCATION.encode() not in stored and b"\xa9xyz" not in stored
    # Still the same clip: a picture and a sound, about a second long.
    assert {stream["codec_type"] for stream in probe["streams"]} == {"video", "audio"}
    assert 0.8 < float(probe["format"]["duration"]) < 1.3
    assert upload.size == len(stored)
    # The poster: one frame as a small JPEG, no metadata either.
    with Image.open(upload.thumbnail.path) as poster:
        assert poster.format == "JPEG" and poster.size == (64, 48) and not poster.getexif()


@pytest.mark.ffmpeg
@pytest.mark.parametrize(
    "data",
    [
        files.mp4_bytes(4096),  # an MP4 head, then zeros
        files.mp4_bytes(64),  # the head alone
    ],
    ids=["zeros", "head_only"],
)
@pytest.mark.django_db
def test_a_video_ffmpeg_cannot_read_is_refused_and_stores_nothing(youth_participant, data):
    before = _stored_files()
    with pytest.raises(DomainError) as refused:
        uploads.upload_store(participant=youth_participant, file=SimpleUploadedFile("tea.mp4", data))
    assert refused.value.code == "video_broken" and refused.value.messages  # a message, in the active language
    assert not Upload.objects.exists() and _stored_files() == before


@pytest.mark.ffmpeg
@pytest.mark.django_db
def test_a_cut_off_video_is_refused(youth_participant):
    cut = files.real_video_bytes("mp4")[:1500]
    with pytest.raises(DomainError) as refused:
        uploads.upload_store(participant=youth_participant, file=SimpleUploadedFile("tea.mp4", cut))
    assert refused.value.code == "video_broken"
    assert not Upload.objects.exists()


@pytest.mark.ffmpeg
@pytest.mark.django_db
def test_ffmpeg_is_given_bounded_time(youth_participant, monkeypatch):
    monkeypatch.setattr(video, "FFMPEG_SECONDS", 0.001)
    with pytest.raises(DomainError) as refused:
        uploads.upload_store(participant=youth_participant, file=files.video())
    assert refused.value.code == "video_broken"
    assert not Upload.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("brush.jpg", b"", "empty"),
        ("brush.jpg", b"MZ\x90\x00 not a photo at all", "content"),
        ("brush.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 500, "photo_broken"),  # a JPEG signature, then junk
        ("brush.png", files.png_bytes()[:60], "photo_broken"),  # cut off
        ("brush.gif", b"GIF89a" + b"\x00" * 100, "content"),
        ("page.html", b"<html><script>alert(1)</script></html>", "content"),
        ("big.jpg", b"\xff\xd8\xff" + b"\x00" * 300_000, "too_large"),
        ("long.mp4", files.mp4_bytes(60_000), "too_large"),
    ],
)
@pytest.mark.django_db
def test_bad_uploads_are_refused_clearly_and_store_nothing(youth_participant, name, data, code):
    before = _stored_files()
    with pytest.raises(DomainError) as refused:
        uploads.upload_store(participant=youth_participant, file=SimpleUploadedFile(name, data))
    assert refused.value.code == code
    assert str(refused.value)
    assert not Upload.objects.exists()
    assert _stored_files() == before


@pytest.mark.django_db
def test_a_decompression_bomb_is_refused(youth_participant):
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    with pytest.raises(DomainError) as refused:
        uploads.upload_store(
            participant=youth_participant, file=SimpleUploadedFile("bomb.png", out.getvalue())
        )
    assert refused.value.code == "photo_pixels"


@pytest.mark.django_db
def test_a_video_where_only_photos_go_is_refused(youth_participant):
    with pytest.raises(DomainError) as refused:
        uploads.upload_store(participant=youth_participant, file=files.video(), kinds=(Upload.Kind.PHOTO,))
    assert refused.value.code == "kind"


@pytest.mark.django_db
def test_the_daily_cap_counts_in_the_groups_day(youth_participant, monkeypatch):
    monkeypatch.setattr(uploads, "UPLOADS_PER_DAY", 2)
    for _ in range(2):
        uploads.upload_store(participant=youth_participant, file=files.video())
    with pytest.raises(DomainError) as refused:
        uploads.upload_store(participant=youth_participant, file=files.video())
    assert refused.value.code == "daily_cap"
    assert Upload.objects.count() == 2


@pytest.mark.django_db
def test_deleting_the_youth_deletes_the_files(youth_participant, django_capture_on_commit_callbacks):
    upload = uploads.upload_store(participant=youth_participant, file=files.photo())
    names = [upload.file.name, upload.thumbnail.name]
    assert all(default_storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        youth_participant.delete()
    assert not Upload.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
