import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from activities.models import Upload
from activities.services import uploads
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


@pytest.mark.django_db
def test_a_video_is_typed_by_its_content_not_its_name(youth_participant):
    upload = uploads.upload_store(participant=youth_participant, file=files.video("clip.jpg"))
    assert upload.kind == Upload.Kind.VIDEO and upload.content_type == "video/mp4" and not upload.thumbnail


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
