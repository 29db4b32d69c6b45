"""Completion, nominations, issuing, downloading, revoking, reissuing and verifying certificates."""

import io
import subprocess
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports import services
from reports.models import Certificate, Nomination
from tests import factories
from tests.factories import finished_phase, held_session, span

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def issue(world, delivered):
    return services.certificates_issue(group=world.group, phase=delivered.phase, by=world.organizer)


def test_only_youth_who_met_the_threshold_get_certificates(world, delivered):
    services.nomination_set(participant=delivered.thai, phase=delivered.phase, citation="书法进步很快",
                            by=world.teacher)
    services.nomination_set(participant=delivered.rare, phase=delivered.phase, citation="积极发言",
                            by=world.teacher)
    issued = issue(world, delivered)
    # Thai youth 4/4 (completion + outstanding); Lao youth 3/4 = 75% < 80%; Ryan 1/4 (nominated, not completed).
    assert sorted((c.participant_id, c.kind) for c in issued) == sorted(
        [(delivered.thai.pk, "completion"), (delivered.thai.pk, "outstanding")])
    outstanding = next(c for c in issued if c.kind == "outstanding")
    assert outstanding.citation == "书法进步很快" and outstanding.attendance_percent == 100
    assert outstanding.given_name == "สมชาย" and outstanding.language == "th"
    # Issuing again issues nothing new.
    assert issue(world, delivered) == []
    assert Certificate.objects.count() == 2


def test_camp_threshold_decides_completion(world, delivered):
    world.camp.completion_threshold = 75
    world.camp.save()
    issued = issue(world, delivered)
    assert {c.participant_id for c in issued} == {delivered.thai.pk, delivered.lao.pk}


def test_a_correction_can_complete_a_youth(world, delivered):
    services.attendance_correct(session=delivered.sessions[3], participant=delivered.lao, status="present",
                                reason="audio only", by=world.teacher)
    assert delivered.lao.pk in {c.participant_id for c in issue(world, delivered)}


def test_codes_are_unique_random_and_80_bits():
    codes = {services.certificate_code() for _ in range(2000)}
    assert len(codes) == 2000
    code = codes.pop()
    assert len(code.replace("-", "")) == 16 and set(code.replace("-", "")) <= set(services.CODE_ALPHABET)
    assert services.normalize_code(code.lower().replace("-", " ")) == code


def test_no_certificates_before_the_phase_is_over(world):
    with pytest.raises(ValidationError):
        services.certificates_issue(group=world.group, phase=world.phase, by=world.organizer)
    assert not Certificate.objects.exists()


def test_organizer_issues_from_the_page(client, world, delivered):
    client.force_login(world.organizer)
    url = reverse("reports:certificates_issue", args=[world.group.pk, delivered.phase.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert Certificate.objects.filter(participant=delivered.thai, kind="completion").exists()
    page = client.get(reverse("reports:group_certificates", args=[world.group.pk])).content.decode()
    assert Certificate.objects.get().code in page


def test_coordinator_cannot_issue_and_phase_of_another_camp_is_404(client, world, delivered):
    client.force_login(world.coordinator)
    url = reverse("reports:certificates_issue", args=[world.group.pk, delivered.phase.pk])
    assert client.post(url).status_code == 403
    other_camp = factories.camp(world.organizer, federation="x", title="other", year=2026)
    other_phase = finished_phase(other_camp, world.other_group, number=1)
    client.force_login(world.organizer)
    assert client.post(reverse("reports:certificates_issue", args=[world.group.pk, other_phase.pk])).status_code == 404
    assert not Certificate.objects.exists()


def test_teacher_nominates_with_a_citation(client, world, delivered):
    client.force_login(world.teacher)
    url = reverse("reports:nominate", args=[world.group.pk, delivered.phase.pk])
    assert client.post(url, {"participant": delivered.lao.pk, "citation": "剪纸作品富有创意"}).status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.participant, nomination.citation, nomination.nominated_by) == (
        delivered.lao, "剪纸作品富有创意", world.teacher)
    # Changing the citation keeps one nomination.
    client.post(url, {"participant": delivered.lao.pk, "citation": "表现优异"})
    assert Nomination.objects.get().citation == "表现优异"


@pytest.mark.parametrize("data", [{"citation": "   "}, {"citation": ""}, {"participant": "x"}, {"participant": ""}])
def test_malformed_nominations_write_nothing(client, world, delivered, data):
    client.force_login(world.teacher)
    data = {"participant": delivered.lao.pk, "citation": "好"} | data
    response = client.post(reverse("reports:nominate", args=[world.group.pk, delivered.phase.pk]), data)
    assert response.status_code == 302
    assert not Nomination.objects.exists()


@pytest.mark.poppler
def test_coordinator_downloads_the_groups_zip(client, world, delivered, tmp_path):
    world.camp.completion_threshold = 25
    world.camp.save()
    issued = issue(world, delivered)
    assert len(issued) == 3
    client.force_login(world.coordinator)
    response = client.get(reverse("reports:group_certificates_zip", args=[world.group.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == sorted(c.filename for c in issued)
    lao = next(c for c in issued if c.participant_id == delivered.lao.pk)
    text = pdf_text(archive.read(lao.filename), tmp_path)
    assert "ສຸກສະຫວັນ ແກ້ວມະນີ" in text and lao.code in text and "陈欣怡" in text
    client.force_login(world.other_coordinator)
    assert client.get(reverse("reports:group_certificates_zip", args=[world.group.pk])).status_code == 404


def test_zip_without_certificates_is_404(client, world, delivered):
    client.force_login(world.coordinator)
    assert client.get(reverse("reports:group_certificates_zip", args=[world.group.pk])).status_code == 404


@pytest.mark.poppler
def test_youth_downloads_their_own_certificate_only(client, world, delivered, tmp_path):
    world.camp.completion_threshold = 25
    world.camp.save()
    issued = issue(world, delivered)
    own = next(c for c in issued if c.participant_id == delivered.lao.pk)
    other = next(c for c in issued if c.participant_id == delivered.thai.pk)
    client.force_login(delivered.lao.user)
    response = client.get(reverse("reports:certificate_pdf", args=[own.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert own.code in pdf_text(response.content, tmp_path)
    assert client.get(reverse("reports:certificate_pdf", args=[other.code])).status_code == 404
    assert client.get(reverse("reports:certificate_pdf", args=["NOPE-NOPE-NOPE-NOPE"])).status_code == 404
    # The youth's "My camp" page links to it.
    html = client.get(reverse("home")).content.decode()
    assert reverse("reports:certificate_pdf", args=[own.code]) in html


def test_verify_shows_only_what_confirms_the_certificate(client, world, delivered):
    certificate = issue(world, delivered)[0]
    response = client.get(reverse("reports:verify", args=[certificate.code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert certificate.given_name in html and certificate.camp_title in html and certificate.issuer in html
    assert 'id="verify-status"' in html and 'class="card verify-result valid"' in html
    assert certificate.code in html
    participant = certificate.participant
    for private in (participant.family_name, participant.guardian_contact, participant.guardian_name,
                    world.group.name, str(participant.birth_year)):
        assert private not in html
    # Typed by hand from paper: lower case, spaces instead of dashes.
    typed = certificate.code.lower().replace("-", " ")
    assert client.get(f"/verify/{typed}/").status_code == 200


def test_revoked_certificate_says_so_and_can_be_reissued(client, world, delivered, tmp_path):
    certificate = issue(world, delivered)[0]
    client.force_login(world.organizer)
    response = client.post(reverse("reports:certificate_revoke", args=[certificate.code]),
                           {"reason": "名字拼错", "confirm": "yes"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at and certificate.revoked_by == world.organizer and certificate.revoke_reason == "名字拼错"
    client.logout()
    html = client.get(reverse("reports:verify", args=[certificate.code])).content.decode()
    assert 'class="card verify-result revoked"' in html
    # The roster is fixed, the organizer reissues: a new code, the old one stays revoked.
    delivered.thai.given_name = "สมชาย (แก้ไข)"
    delivered.thai.save()
    client.force_login(world.organizer)
    response = client.post(reverse("reports:certificate_reissue", args=[certificate.code]),
                           {"reason": "名字已更正", "confirm": "yes"})
    assert response.status_code == 302
    new = Certificate.objects.get(replaces=certificate)
    assert new.code != certificate.code and new.is_valid and new.given_name == "สมชาย (แก้ไข)"
    again = client.post(reverse("reports:certificate_reissue", args=[certificate.code]),
                        {"reason": "again", "confirm": "yes"})
    assert again.status_code == 400 and 'id="certificate-confirm"' in again.content.decode()
    assert Certificate.objects.filter(replaces=certificate).count() == 1


def test_revoke_asks_for_confirmation_first(client, world, delivered):
    certificate = issue(world, delivered)[0]
    url = reverse("reports:certificate_revoke", args=[certificate.code])
    client.force_login(world.organizer)
    page = client.get(reverse("reports:group_certificates", args=[world.group.pk])).content.decode()
    assert f'action="{url}"' in page
    # The list's button opens the confirmation, with the reason typed so far: nothing is revoked yet.
    response = client.post(url, {"reason": "名字拼错"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="certificate-confirm"' in html
    assert certificate.code in html and certificate.given_name in html and 'value="名字拼错"' in html
    assert 'name="confirm" value="yes"' in html
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    response = client.post(url, {"reason": "名字拼错", "confirm": "yes"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at and certificate.revoke_reason == "名字拼错"


@pytest.mark.parametrize("data", [
    {"reason": "  ", "confirm": "yes"},
    {"confirm": "yes"},
    {"reason": "x" * 301, "confirm": "yes"},
])
def test_revoke_malformed_is_refused_on_the_confirmation_page(client, world, delivered, data):
    certificate = issue(world, delivered)[0]
    client.force_login(world.organizer)
    response = client.post(reverse("reports:certificate_revoke", args=[certificate.code]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="certificate-confirm"' in html and 'class="errorlist' in html
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and certificate.revoke_reason == ""


def test_reissue_malformed_changes_nothing(client, world, delivered):
    certificate = issue(world, delivered)[0]
    client.force_login(world.organizer)
    response = client.post(reverse("reports:certificate_reissue", args=[certificate.code]),
                           {"reason": "", "confirm": "yes"})
    assert response.status_code == 400
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and Certificate.objects.count() == 1


@pytest.mark.parametrize("url_name", ["reports:certificate_revoke", "reports:certificate_reissue"])
def test_revoke_and_reissue_refuse_outsiders_and_get(client, world, delivered, other_organizer, url_name):
    certificate = issue(world, delivered)[0]
    url = reverse(url_name, args=[certificate.code])
    data = {"reason": "x", "confirm": "yes"}
    client.force_login(world.coordinator)
    assert client.post(url, data).status_code == 403
    client.force_login(other_organizer)  # an organizer of another camp may not know the certificate
    assert client.post(url, data).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404  # nor see its confirmation page
    client.force_login(world.youth)
    assert client.post(url, data).status_code == 403
    client.force_login(world.organizer)
    assert client.get(url).status_code == 405
    client.logout()
    assert client.post(url, data).status_code == 302  # to the sign-in page
    certificate.refresh_from_db()
    assert certificate.revoked_at is None and Certificate.objects.count() == 1


def test_verify_unknown_code_and_rate_limit(client, world, delivered):
    certificate = issue(world, delivered)[0]
    assert client.get(reverse("reports:verify", args=["ZZZZ-ZZZZ-ZZZZ-ZZZZ"])).status_code == 404
    limit = 30
    statuses = [client.get(reverse("reports:verify", args=[certificate.code])).status_code for _ in range(limit)]
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert statuses[-1] == 429
    # Another address is not affected.
    assert client.get(reverse("reports:verify", args=[certificate.code]), REMOTE_ADDR="10.0.0.9").status_code == 200


def test_group_without_sessions_held_issues_nothing(world, make_participant):
    phase = finished_phase(world.camp, world.other_group, number=8)
    session = held_session(world.other_group, phase, state="scheduled")
    span(session, world.other_youth, 0, 45)
    assert services.certificates_issue(group=world.other_group, phase=phase, by=world.organizer) == []

