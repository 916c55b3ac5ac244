"""Property leads from parties: the party reports one (page, API), it lands on the case with its
verification deadline and a notice to the judge, and its files reach only staff who may see the case."""

import datetime
import threading
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from assignment.services import Step, record_step
from enforcement.models import Case, CaseEvent, Deadline, InboxItem, Party, Team, TeamKind, TeamMembership
from enforcement.services.cases import close_case
from intake.services import file_case
from portal import leads, panels
from portal import proof as portal
from portal.models import LeadAttachment, OnlineLead
from portal.proof import PortalAccess
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"0" * 200
EXE = b"MZ\x90\x00" + b"\x00" * 200
HTML = b"<html><script>alert(1)</script></html>"
LEADS_API = "/api/v1/progress/leads/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def case(court, clerk, judge) -> Case:
    filed = file_case(actor=clerk, application=application(court, 1))
    filed.case.responsible_judge = judge
    filed.case.save(update_fields=["responsible_judge"])
    return filed.case


@pytest.fixture
def applicant(case) -> PortalAccess:
    return PortalAccess(case, case.applicants()[0])


@pytest.fixture
def respondent(case) -> PortalAccess:
    return PortalAccess(case, case.respondents()[0])


def report(access: PortalAccess, *, detail: str = "被执行人在中国银行有存款", urgent: bool = False, files=()):
    return leads.submit_party_lead(
        access, kind="bank_account", detail=detail, urgent=urgent, files=list(files)
    )


def sign_in_as_party(client, access: PortalAccess) -> None:
    session = client.session
    session[portal.SESSION_KEY] = {
        "case": access.case.pk,
        "party": access.party.pk,
        "code": access.code_version,
        "until": (timezone.now() + portal.SESSION_AGE).isoformat(),
    }
    session.save()


# --- The service --------------------------------------------------------------------------------------------


def test_a_party_reports_a_lead_with_a_photo_and_a_pdf_stored_under_random_names(applicant, media):
    lead = report(applicant, files=[upload("存折.jpg", JPEG, "image/jpeg"), upload("房产证.pdf", PDF)])

    attachments = list(lead.attachments.order_by("pk"))
    assert [(a.original_name, a.content_type, a.size) for a in attachments] == [
        ("存折.jpg", "image/jpeg", len(JPEG)),
        ("房产证.pdf", "application/pdf", len(PDF)),
    ]
    on_disk = stored_files(media)
    assert sorted(p.read_bytes() for p in on_disk) == sorted([JPEG, PDF])
    for path in on_disk:
        assert "存折" not in path.name and "房产证" not in path.name
        assert len(path.stem) == 32


def test_the_type_comes_from_the_first_bytes_not_the_name_or_the_browser(applicant):
    lead = report(applicant, files=[upload("scan.pdf", PNG, "application/pdf")])

    attachment = lead.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("photo.jpg", EXE, "image/jpeg"),
        ("page.pdf", HTML, "application/pdf"),
        ("empty.png", b"", "image/png"),
        ("notes.txt", b"just text", "text/plain"),
    ],
)
def test_a_file_that_is_not_really_a_picture_or_pdf_is_refused_and_nothing_is_kept(
    applicant, media, name, content, content_type
):
    good = upload("ok.jpg", JPEG, "image/jpeg")

    with pytest.raises(ValidationError) as refused:
        report(applicant, files=[good, upload(name, content, content_type)])

    assert name in " ".join(refused.value.messages)
    assert not OnlineLead.objects.exists()
    assert not LeadAttachment.objects.exists()
    assert stored_files(media) == []


def test_more_than_three_files_are_refused(applicant, media):
    files = [upload(f"{n}.jpg", JPEG, "image/jpeg") for n in range(4)]

    with pytest.raises(ValidationError, match="3"):
        report(applicant, files=files)

    assert not OnlineLead.objects.exists()
    assert stored_files(media) == []


def test_a_file_over_five_megabytes_is_refused(applicant):
    big = upload("big.jpg", JPEG + b"\x00" * (5 * 1024 * 1024), "image/jpeg")

    with pytest.raises(ValidationError, match="5 MB"):
        report(applicant, files=[big])

    assert not OnlineLead.objects.exists()


def test_a_file_of_exactly_five_megabytes_is_accepted(applicant):
    exact = upload("exact.png", PNG + b"\x00" * (5 * 1024 * 1024 - len(PNG)), "image/png")

    assert report(applicant, files=[exact]).attachments.get().size == 5 * 1024 * 1024


def test_the_files_written_are_removed_when_the_transaction_fails_later(applicant, media, monkeypatch):
    def no_node(**kwargs):
        raise LookupError("no active node type")

    monkeypatch.setattr(leads, "open_deadline", no_node)

    with pytest.raises(LookupError):
        report(applicant, files=[upload("a.jpg", JPEG), upload("b.png", PNG)])

    assert not OnlineLead.objects.exists()
    assert stored_files(media) == []


def test_the_file_name_shown_keeps_no_folders(applicant):
    lead = report(applicant, files=[upload("C:\\Users\\张三\\照片.jpg", JPEG)])

    assert lead.attachments.get().original_name == "照片.jpg"


@pytest.mark.parametrize(
    ("kind", "detail", "field"),
    [("bank_account", "   ", "detail"), ("bank_account", "x" * 2001, "detail"), ("gold", "有金条", "kind")],
)
def test_the_kind_and_a_description_of_at_most_2000_characters_are_required(applicant, kind, detail, field):
    with pytest.raises(ValidationError) as refused:
        leads.submit_party_lead(applicant, kind=kind, detail=detail, urgent=False, files=[])

    assert field in refused.value.message_dict


def test_the_lead_opens_the_seven_day_verification_deadline_on_the_lead(applicant):
    lead = report(applicant)

    deadline = Deadline.objects.get(case=lead.case, node_type__code="verify_lead")
    assert deadline.subject_id == lead.pk
    assert deadline.anchor_at == lead.submitted_at
    assert deadline.budget == 7
    assert deadline.status == Deadline.Status.OPEN


def test_an_urgent_lead_opens_the_three_day_deadline(applicant):
    lead = report(applicant, urgent=True)

    deadline = Deadline.objects.get(case=lead.case, subject_id=lead.pk)
    assert deadline.node_type.code == "verify_lead_urgent"
    assert deadline.budget == 3


def test_the_lead_is_on_the_timeline_for_staff_only(applicant):
    lead = report(applicant)

    event = CaseEvent.objects.get(case=lead.case, kind=CaseEvent.Kind.PARTY_LEAD_REPORTED)
    assert event.public is False
    assert event.data["lead"] == lead.pk
    assert applicant.party.name in event.detail


def test_the_responsible_judge_is_told_in_his_inbox(applicant, judge):
    lead = report(applicant, urgent=True)

    item = InboxItem.objects.get(user=judge)
    assert lead.case.number in item.title
    assert item.url == reverse("case-detail", args=[lead.case.pk]) + "#party-leads"
    assert not InboxItem.objects.exclude(user=judge).exists()


def test_without_a_judge_the_team_leads_of_the_court_are_told(applicant, team_lead, supervisor):
    Case.objects.filter(pk=applicant.case.pk).update(responsible_judge=None)
    applicant.case.refresh_from_db()

    report(applicant)

    assert list(InboxItem.objects.values_list("user__username", flat=True)) == ["teamlead"]


def test_without_a_judge_the_leads_of_the_case_team_come_first(court, applicant, team_lead):
    team = Team.objects.create(court=court, name="执行一团队", kind=TeamKind.objects.first())
    own_lead = UserFactory(username="own-lead", roles=["team_lead"], courts=[court])
    TeamMembership.objects.create(team=team, user=own_lead, role=TeamMembership.Role.LEAD)
    Case.objects.filter(pk=applicant.case.pk).update(responsible_judge=None, team=team)

    report(applicant)

    assert list(InboxItem.objects.values_list("user__username", flat=True)) == ["own-lead"]


def test_a_party_reports_at_most_five_leads_in_24_hours(applicant):
    for n in range(leads.DAILY_LIMIT):
        report(applicant, detail=f"线索{n}")

    with pytest.raises(ValidationError) as refused:
        report(applicant, detail="第六条")
    assert refused.value.code == "throttled"

    OnlineLead.objects.update(submitted_at=timezone.now() - datetime.timedelta(hours=25))
    assert report(applicant, detail="第二天").pk


def test_the_limit_is_per_party(applicant, respondent):
    for n in range(leads.DAILY_LIMIT):
        report(applicant, detail=f"线索{n}")

    assert report(respondent).party == respondent.party


def test_a_closed_case_takes_no_leads(applicant, judge):
    close_case(actor=judge, case=applicant.case, closure=Case.Closure.PERFORMED)

    with pytest.raises(ValidationError, match=r"closed|结案"):
        report(applicant)


def test_a_lead_verified_by_the_judge_shows_as_verified_to_the_party(applicant, judge):
    report(applicant)
    assert [row.status for row in leads.leads_of_party(applicant)] == ["received"]

    record_step(actor=judge, case=applicant.case, step=Step.LEAD_VERIFIED, detail="已查询，账户存款5万元")

    assert [row.status for row in leads.leads_of_party(applicant)] == ["verified"]


# --- The party's page ---------------------------------------------------------------------------------------


def test_the_party_reports_a_lead_from_his_progress_page(client, applicant, judge):
    sign_in_as_party(client, applicant)

    response = client.post(
        reverse("leads:submit"),
        {
            "kind": "vehicle",
            "detail": "蒙C12345 小型轿车",
            "urgent": "on",
            "attachments": [upload("car.jpg", JPEG)],
        },
        follow=False,
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#leads")
    lead = OnlineLead.objects.get()
    assert (lead.kind, lead.urgent, lead.party) == ("vehicle", True, applicant.party)
    assert lead.attachments.count() == 1


def test_without_a_session_the_form_sends_the_visitor_to_the_progress_query(client, applicant):
    response = client.post(reverse("leads:submit"), {"kind": "vehicle", "detail": "车"})

    assert response.status_code == 302
    assert response["Location"] == "/progress/"
    assert not OnlineLead.objects.exists()


def test_a_refused_file_is_explained_and_nothing_is_saved(client, applicant, media):
    sign_in_as_party(client, applicant)

    response = client.post(
        reverse("leads:submit"),
        {"kind": "vehicle", "detail": "车", "attachments": [upload("car.jpg", EXE, "image/jpeg")]},
    )

    said = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(said) == 1
    assert "car.jpg" in said[0]
    assert not OnlineLead.objects.exists()
    assert stored_files(media) == []


def _section_html(access: PortalAccess) -> str:
    request = RequestFactory().get("/progress/case/")
    section = panels.leads_section(request, access)
    return render_to_string(section.template, {"section": section.context}, request=request)


def test_the_section_shows_the_partys_own_leads_and_never_another_partys(applicant, respondent):
    report(applicant, detail="申请人的线索：工商银行账户")
    report(respondent, detail="被执行人自己报的线索")

    html = _section_html(applicant)

    assert "申请人的线索" in html
    assert "被执行人自己报的线索" not in html
    assert 'enctype="multipart/form-data"' in html


def test_the_progress_page_carries_the_section(client, applicant, respondent):
    report(applicant, detail="申请人的线索：工商银行账户")
    report(respondent, detail="被执行人自己报的线索")
    sign_in_as_party(client, applicant)

    html = client.get(reverse("portal:progress")).content.decode()

    assert 'id="lead-form"' in html
    assert reverse("leads:submit") in html
    assert "申请人的线索" in html
    assert "被执行人自己报的线索" not in html


def test_the_section_has_no_form_once_the_case_is_closed(applicant, judge):
    close_case(actor=judge, case=applicant.case, closure=Case.Closure.PERFORMED)
    applicant.case.refresh_from_db()

    html = _section_html(applicant)
    assert 'name="detail"' not in html
    assert 'id="leads-closed"' in html


# --- The case page and the attachments ----------------------------------------------------------------------


def test_the_judge_sees_the_leads_with_their_deadline_on_the_case_page(client, applicant, judge):
    lead = report(applicant, urgent=True, files=[upload("存折.jpg", JPEG)])
    client.force_login(judge)

    html = client.get(reverse("case-detail", args=[lead.case.pk])).content.decode()

    assert 'id="party-leads"' in html
    assert "被执行人在中国银行有存款" in html
    assert applicant.party.name in html
    assert "存折.jpg" in html
    deadline = Deadline.objects.get(subject_id=lead.pk, node_type__code="verify_lead_urgent")
    assert deadline.due_date.strftime("%Y-%m-%d") in html
    assert reverse("leads:attachment", args=[lead.case.pk, lead.attachments.get().pk]) in html


def test_staff_who_may_see_the_case_download_an_attachment_that_is_never_sniffed(client, applicant, clerk):
    lead = report(applicant, files=[upload("存折.jpg", JPEG)])
    attachment = lead.attachments.get()
    client.force_login(clerk)

    response = client.get(reverse("leads:attachment", args=[lead.case.pk, attachment.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%E5%AD%98%E6%8A%98.jpg" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["outsider", "stranger"])
def test_staff_who_may_not_see_the_case_get_404_for_its_attachments(client, applicant, request, who):
    lead = report(applicant, files=[upload("a.jpg", JPEG)])
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("leads:attachment", args=[lead.case.pk, lead.attachments.get().pk]))

    assert response.status_code == 404


def test_a_party_or_anyone_signed_out_cannot_download(client, applicant):
    lead = report(applicant, files=[upload("a.jpg", JPEG)])
    sign_in_as_party(client, applicant)

    response = client.get(reverse("leads:attachment", args=[lead.case.pk, lead.attachments.get().pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_attachment_is_reached_only_through_its_own_case(client, court, clerk, applicant):
    lead = report(applicant, files=[upload("a.jpg", JPEG)])
    other = file_case(actor=clerk, application=application(court, 2)).case
    client.force_login(clerk)

    response = client.get(reverse("leads:attachment", args=[other.pk, lead.attachments.get().pk]))

    assert response.status_code == 404


def test_the_stored_files_are_not_served_as_media(client, applicant, media):
    report(applicant, files=[upload("a.jpg", JPEG)])
    stored = stored_files(media)[0].relative_to(media)

    assert client.get(f"/media/{stored}").status_code == 404
    assert client.get(f"/{stored}").status_code == 404


# --- The API ------------------------------------------------------------------------------------------------


def token_of(access: PortalAccess) -> dict[str, str]:
    return {"HTTP_X_PARTY_TOKEN": portal.issue_token(access)}


def test_the_api_without_a_party_token_answers_401(client, clerk):
    client.force_login(clerk)  # a staff session is not a party

    assert client.get(LEADS_API).status_code == 401
    response = client.post(LEADS_API, {"kind": "vehicle", "detail": "车"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert client.get(LEADS_API, HTTP_X_PARTY_TOKEN="forged").status_code == 401


def test_the_api_reports_a_lead_with_files(client, applicant, judge):
    response = client.post(
        LEADS_API,
        {
            "kind": "real_estate",
            "detail": "海勃湾区某小区3号楼",
            "urgent": "true",
            "attachments": [upload("房产证.pdf", PDF), upload("照片.png", PNG)],
        },
        **token_of(applicant),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "real_estate"
    assert body["urgent"] is True
    assert body["status"] == "received"
    assert [(a["name"], a["content_type"]) for a in body["attachments"]] == [
        ("房产证.pdf", "application/pdf"),
        ("照片.png", "image/png"),
    ]
    assert Deadline.objects.filter(subject_id=body["id"], node_type__code="verify_lead_urgent").exists()
    assert InboxItem.objects.filter(user=judge).count() == 1


def test_the_api_lists_only_the_partys_own_leads(client, applicant, respondent):
    mine = report(applicant, detail="我的线索")
    report(respondent, detail="别人的线索")

    response = client.get(LEADS_API, **token_of(applicant))

    assert response.status_code == 200
    assert [(row["id"], row["detail"]) for row in response.json()] == [(mine.pk, "我的线索")]


def test_the_api_refuses_a_disguised_file_with_the_error_shape(client, applicant, media):
    response = client.post(
        LEADS_API,
        {"kind": "vehicle", "detail": "车", "attachments": [upload("car.jpg", HTML, "image/jpeg")]},
        **token_of(applicant),
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "car.jpg" in body["errors"]["attachments"][0]
    assert not OnlineLead.objects.exists()
    assert stored_files(media) == []


def test_the_api_answers_429_after_the_daily_limit(client, applicant):
    for n in range(leads.DAILY_LIMIT):
        report(applicant, detail=f"线索{n}")

    response = client.post(LEADS_API, {"kind": "vehicle", "detail": "车"}, **token_of(applicant))

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"


def test_the_api_refuses_unknown_fields(client, applicant):
    response = client.post(
        LEADS_API, {"kind": "vehicle", "detail": "车", "party": "999"}, **token_of(applicant)
    )

    assert response.status_code == 400
    assert "party" in response.json()["errors"]


def test_a_token_of_a_party_removed_from_the_case_no_longer_works(client, applicant):
    headers = token_of(applicant)
    Party.objects.filter(pk=applicant.party.pk).delete()

    assert client.get(LEADS_API, **headers).status_code == 401


# --- Two reports at once ------------------------------------------------------------------------------------


def _two_reports_at_once_stay_within_the_limit(court, clerk) -> None:
    case = file_case(actor=clerk, application=application(court, 1)).case
    access = PortalAccess(case, case.applicants()[0])
    for n in range(leads.DAILY_LIMIT - 1):
        report(access, detail=f"线索{n}")
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def party_reports() -> None:
        try:
            barrier.wait(timeout=30)
            report(access, detail="同时提交")
            outcomes.append("accepted")
        except ValidationError as error:
            outcomes.append(error.code or "refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=party_reports) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["accepted", "throttled"]
    assert OnlineLead.objects.filter(party=access.party).count() == leads.DAILY_LIMIT


@pytest.mark.django_db(transaction=True)
def test_two_reports_at_once_stay_within_the_daily_limit_on_any_database(court, clerk):
    _two_reports_at_once_stay_within_the_limit(court, clerk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reports_at_once_stay_within_the_daily_limit_on_postgresql(court, clerk):
    assert connection.vendor == "postgresql"
    _two_reports_at_once_stay_within_the_limit(court, clerk)


def test_the_api_takes_photos_larger_than_the_json_body_limit(client, applicant, settings):
    # JSON bodies stop at API_MAX_BODY_BYTES; multipart uploads stream to disk and may be larger.
    photo = JPEG + b"\x00" * (settings.API_MAX_BODY_BYTES + 1024)
    response = client.post(
        LEADS_API,
        {"kind": "vehicle", "detail": "车辆照片", "attachments": [upload("车.jpg", photo, "image/jpeg")]},
        **token_of(applicant),
    )
    assert response.status_code == 201, response.content
