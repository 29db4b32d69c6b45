"""The reports services check their caller with the same helpers as the views (reports/access.py):
a caller without access is refused and nothing is written, whoever calls the service."""

import pytest
from django.core.exceptions import PermissionDenied

from camp.models import User
from reports import services
from reports.models import AttendanceCorrection, Certificate, Nomination
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_organizer(make_user):
    user = make_user(User.Role.ORGANIZER)
    factories.camp(user, federation="另一个侨联", title="另一个营", year=2026, languages=["zh-hans"])
    return user


@pytest.fixture
def other_teacher(make_user):
    """A teacher who does not teach this group."""
    return make_user(User.Role.TEACHER)


def test_attendance_correction_only_by_the_sessions_teacher_and_the_camps_organizers(
        world, delivered, other_teacher, other_organizer):
    session = delivered.sessions[2]
    for outsider in (other_teacher, other_organizer, world.coordinator, world.youth):
        with pytest.raises(PermissionDenied):
            services.attendance_correct(session=session, participant=delivered.lao, status="present",
                                        reason="audio only", by=outsider)
    assert not AttendanceCorrection.objects.exists()
    services.attendance_correct(session=session, participant=delivered.lao, status="present", reason="audio only",
                                by=world.organizer)
    assert AttendanceCorrection.objects.get().corrected_by == world.organizer


def test_nominations_only_by_the_groups_teachers_and_the_camps_organizers(
        world, delivered, other_teacher, other_organizer):
    for outsider in (other_teacher, other_organizer, world.coordinator):
        with pytest.raises(PermissionDenied):
            services.nomination_set(participant=delivered.thai, phase=delivered.phase, citation="书法进步很快",
                                    by=outsider)
    assert not Nomination.objects.exists()
    services.nomination_set(participant=delivered.thai, phase=delivered.phase, citation="书法进步很快",
                            by=world.teacher)
    assert Nomination.objects.get().nominated_by == world.teacher


def test_certificates_are_issued_only_by_the_camps_organizers(world, delivered, other_organizer):
    for outsider in (other_organizer, world.teacher, world.coordinator):
        with pytest.raises(PermissionDenied):
            services.certificates_issue(group=world.group, phase=delivered.phase, by=outsider)
    assert not Certificate.objects.exists()


def test_certificates_are_revoked_and_reissued_only_by_the_camps_organizers(world, delivered, other_organizer):
    certificate = services.certificates_issue(group=world.group, phase=delivered.phase, by=world.organizer)[0]
    for outsider in (other_organizer, world.teacher, world.coordinator):
        with pytest.raises(PermissionDenied):
            services.certificate_revoke(certificate=certificate, by=outsider, reason="wrong name")
        with pytest.raises(PermissionDenied):
            services.certificate_reissue(certificate=certificate, by=outsider, reason="name corrected")
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and Certificate.objects.count() == 1
