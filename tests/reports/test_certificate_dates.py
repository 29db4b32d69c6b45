"""A certificate is dated in its camp's zone everywhere: the PDF, the verify page, the lists, the ZIP.

16:00 UTC is midnight in Beijing: a certificate issued at 16:00:30 UTC is dated the next day on
every page, whatever the viewer's zone; one issued at 15:59 UTC the same day."""

import datetime
import io
import subprocess
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import pdf, services
from reports.models import Certificate

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def issue_at(clock, world, delivered, hour: int, minute: int) -> tuple[Certificate, datetime.date]:
    """Issue at hour:minute UTC two days from now; return the completion certificate and that UTC day."""
    day = (timezone.now() + datetime.timedelta(days=2)).date()
    clock.travel_to(datetime.datetime.combine(day, datetime.time(hour, minute, 30), tzinfo=UTC))
    issued = services.certificates_issue(group=world.group, phase=delivered.phase, by=world.organizer)
    return next(c for c in issued if c.kind == "completion"), day


def test_issued_at_midnight_beijing_is_the_next_day_everywhere(clock, client, world, delivered, tmp_path):
    certificate, utc_day = issue_at(clock, world, delivered, 16, 0)
    beijing_day = utc_day + datetime.timedelta(days=1)
    assert certificate.time_zone == "Asia/Shanghai" and certificate.issued_on == beijing_day
    iso = beijing_day.isoformat()

    text = pdf_text(pdf.certificate_pdf(certificate), tmp_path)
    assert f"{beijing_day.year}年{beijing_day.month}月{beijing_day.day}日" in text
    assert iso in text  # the Thai line

    # A viewer in Toronto (still the UTC day before, in the afternoon) reads the camp's date.
    world.organizer.time_zone = "America/Toronto"
    world.organizer.save()
    client.force_login(world.organizer)
    verify = client.get(reverse("reports:verify", args=[certificate.code])).content.decode()
    assert iso in verify and utc_day.isoformat() not in verify
    listing = client.get(reverse("reports:group_certificates", args=[world.group.pk])).content.decode()
    issued_span = listing.split('class="muted certificate-issued">', 1)[1].split("</span>", 1)[0]
    assert iso in issued_span
    world.youth.time_zone = "America/Toronto"
    world.youth.save()
    client.force_login(world.youth)
    assert iso in client.get(reverse("my_camp")).content.decode()

    client.force_login(world.coordinator)
    response = client.get(reverse("reports:group_certificates_zip", args=[world.group.pk]))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    entry = archive.getinfo(certificate.filename)
    assert entry.date_time[:3] == (beijing_day.year, beijing_day.month, beijing_day.day)
    assert entry.date_time[3:5] == (0, 0)


def test_issued_a_minute_before_midnight_beijing_is_the_same_day(clock, client, world, delivered, tmp_path):
    certificate, utc_day = issue_at(clock, world, delivered, 15, 59)
    assert certificate.issued_on == utc_day
    text = pdf_text(pdf.certificate_pdf(certificate), tmp_path)
    assert f"{utc_day.year}年{utc_day.month}月{utc_day.day}日" in text
    assert utc_day.isoformat() in client.get(reverse("reports:verify", args=[certificate.code])).content.decode()


def test_a_camp_in_another_zone_dates_in_its_own(clock, client, world, delivered):
    world.camp.home_time_zone = "America/Toronto"
    world.camp.save()
    certificate, utc_day = issue_at(clock, world, delivered, 3, 0)  # 23:00 the day before in Toronto
    assert certificate.time_zone == "America/Toronto"
    assert certificate.issued_on == utc_day - datetime.timedelta(days=1)
    html = client.get(reverse("reports:verify", args=[certificate.code])).content.decode()
    assert certificate.issued_on.isoformat() in html
    # The camp moving its home zone later does not change what was issued.
    world.camp.home_time_zone = "Asia/Shanghai"
    world.camp.save()
    certificate.refresh_from_db()
    assert certificate.issued_on == utc_day - datetime.timedelta(days=1)


def test_migration_dates_old_certificates_in_their_camps_zone(world, delivered):
    import importlib

    from django.apps import apps

    certificate = services.certificates_issue(group=world.group, phase=delivered.phase, by=world.organizer)[0]
    world.camp.home_time_zone = "Asia/Yangon"
    world.camp.save()
    Certificate.objects.filter(pk=certificate.pk).update(time_zone="Asia/Shanghai")
    importlib.import_module("reports.migrations.0003_certificate_time_zone_from_camp").from_camp(apps, None)
    certificate.refresh_from_db()
    assert certificate.time_zone == "Asia/Yangon"
