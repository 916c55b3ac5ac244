"""Certificates of voluntary performance and credit-repair decisions (issue 14, point 7): issued by the case's
judges, revoked by them or a supervisor or president, each with its PDF carrying the verification code
and a QR code of the public page; the code itself is stored only as a keyed hash.

Through the services, the case page and the API, with the suite's personas. The PDF's body text is
CID-encoded glyphs that no library of the project reads, so the code and the QR are checked in the HTML the
PDF is rendered from, and in the PDF through the QR code's link (a /URI annotation holding the code).
"""

import datetime
import re
import zlib
from collections.abc import Iterator
from typing import cast

import pytest
import segno
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from enforcement import certcodes, certificate_document
from enforcement.models import Case, CaseEvent, Certificate, Party
from enforcement.services.certificates import issue_certificate, masked_id_number, revoke_certificate
from tests.factories import CaseFactory, PartyFactory, UserFactory, api_token

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()
PERFORMED_TEXT = "被执行人已于2026年11月30日主动全部履行（2026）蒙0302民初1号民事判决书确定的给付义务。"


@pytest.fixture(autouse=True)
def pages_in_english(client) -> None:
    """The staff pages in English, as their assertions read (the documents keep the court's language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def clock() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://zxzx.court.example/"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def case(court, judge) -> Case:
    """Closed as fully performed, its judge ``judge``."""
    found = cast(
        Case,
        CaseFactory(
            court=court,
            responsible_judge=judge,
            status=Case.Status.CLOSED,
            closure=Case.Closure.PERFORMED,
            closed_at=NOW - datetime.timedelta(days=2),
        ),
    )
    PartyFactory(case=found, role=Party.Role.APPLICANT, name="张三")
    return found


@pytest.fixture
def debtor(case) -> Party:
    return cast(
        Party,
        PartyFactory(case=case, role=Party.Role.RESPONDENT, name="李四", id_number="11010519491231002X"),
    )


def issue(judge, case, debtor, **overrides):
    arguments = {"kind": Certificate.Kind.VOLUNTARY_PERFORMANCE, "certifies": PERFORMED_TEXT} | overrides
    return issue_certificate(actor=judge, case=case, party=debtor, **arguments)


def credit_repair(judge, case, debtor, **overrides):
    arguments = {
        "kind": Certificate.Kind.CREDIT_REPAIR,
        "certifies": "被执行人已纠正失信行为，本院决定对其予以信用修复。",
        "listing_reference": "（2026）蒙0302执10001号决定书",
        "listing_removed_on": TODAY - datetime.timedelta(days=1),
    } | overrides
    return issue_certificate(actor=judge, case=case, party=debtor, **arguments)


def pdf_objects(content: bytes) -> bytes:
    """The PDF's bytes plus its Flate streams inflated, so what object streams hold can be searched."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n", content):
        start = match.end()
        end = content.find(b"endstream", start)
        try:
            parts.append(zlib.decompressobj().decompress(content[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


# --- The code ---------------------------------------------------------------------------------------------


def test_a_code_is_sixteen_unambiguous_characters_in_four_groups():
    code = certcodes.new_code()
    assert re.fullmatch(
        r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}(-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}){3}", code
    )
    assert len({certcodes.new_code() for _ in range(200)}) == 200


def test_a_code_is_read_however_it_is_typed():
    assert certcodes.hash_code("abcd efgh-jkmn pqrs") == certcodes.hash_code("ABCD-EFGH-JKMN-PQRS")
    assert certcodes.is_well_formed(" abcdefghjkmnpqrs ")
    assert not certcodes.is_well_formed("ABCD-EFGH-JKMN-PQR0")  # 0 is not in the alphabet
    assert not certcodes.is_well_formed("ABCD-EFGH-JKMN")


def test_only_a_keyed_hash_of_the_code_is_stored(judge, case, debtor):
    issued = issue(judge, case, debtor)

    row = Certificate.objects.get()
    assert row.code_hash == certcodes.hash_code(issued.code)
    assert row.code_hash != issued.code
    plain = certcodes.normalize(issued.code)
    assert all(plain not in str(value) for value in vars(row).values())
    assert not hasattr(row.history.first(), "code_hash")  # the history does not copy the hash either


# --- Issuing ----------------------------------------------------------------------------------------------


def test_the_judge_issues_a_certificate_of_voluntary_performance(judge, case, debtor):
    issued = issue(judge, case, debtor, valid_until=TODAY + datetime.timedelta(days=365))

    certificate = issued.certificate
    assert certificate.kind == Certificate.Kind.VOLUNTARY_PERFORMANCE
    assert (certificate.party, certificate.party_name, certificate.party_id_masked) == (
        debtor,
        "李四",
        "1101**********002X",
    )
    assert (certificate.issued_on, certificate.issued_by) == (TODAY, judge)
    assert certificate.document.read().startswith(b"%PDF-")
    event = case.events.get(kind=CaseEvent.Kind.CERTIFICATE_ISSUED)
    assert event.public and event.actor == judge
    assert event.text == "Certificate of voluntary performance"
    assert certificate.history.count() == 1


def test_the_name_is_kept_as_issued(judge, case, debtor):
    certificate = issue(judge, case, debtor).certificate
    debtor.name = "李四（更名）"
    debtor.save()

    certificate.refresh_from_db()
    assert certificate.party_name == "李四"


def test_an_organisation_keeps_its_credit_code_whole(judge, case):
    company = PartyFactory(
        case=case,
        role=Party.Role.RESPONDENT,
        kind=Party.Kind.ORGANISATION,
        id_type=Party.IdType.USCC,
        id_number="91512081MA62K0260E",
    )
    assert masked_id_number(company) == "91512081MA62K0260E"


def test_voluntary_performance_is_refused_while_the_case_is_open(judge, case, debtor):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.FILED, closure="", closed_at=None)

    with pytest.raises(ValidationError) as refused:
        issue(judge, case, debtor)

    assert "closed as fully performed" in str(refused.value.message_dict["kind"])
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("closure", [c for c in Case.Closure.values if c != Case.Closure.PERFORMED])
def test_voluntary_performance_is_refused_for_a_case_closed_otherwise(judge, case, debtor, closure):
    Case.objects.filter(pk=case.pk).update(closure=closure)

    with pytest.raises(ValidationError):
        issue(judge, case, debtor)


def test_a_certificate_goes_to_a_respondent_of_the_case(judge, case, debtor):
    applicant = case.applicants()[0]
    elsewhere = PartyFactory(role=Party.Role.RESPONDENT)

    for party in (applicant, elsewhere):
        with pytest.raises(ValidationError) as refused:
            issue(judge, case, party)
        assert "party" in refused.value.message_dict


def test_nothing_is_certified_without_words_or_with_an_expiry_in_the_past(judge, case, debtor):
    with pytest.raises(ValidationError) as refused:
        issue(judge, case, debtor, certifies="  ", valid_until=TODAY - datetime.timedelta(days=1))
    assert set(refused.value.message_dict) == {"certifies", "valid_until"}


def test_one_certificate_in_force_per_debtor_and_kind(judge, case, debtor):
    first = issue(judge, case, debtor).certificate

    with pytest.raises(ValidationError, match="already has a certificate"):
        issue(judge, case, debtor)

    revoke_certificate(actor=judge, certificate=first, reason="证明内容有误，重新出具")
    issue(judge, case, debtor)
    assert Certificate.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_credit_repair_decision_names_the_listing_removed_and_needs_no_closure(judge, case, debtor):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.FILED, closure="", closed_at=None)

    certificate = credit_repair(judge, case, debtor).certificate

    assert certificate.kind == Certificate.Kind.CREDIT_REPAIR
    assert certificate.listing_reference == "（2026）蒙0302执10001号决定书"
    assert certificate.listing_removed_on == TODAY - datetime.timedelta(days=1)
    assert case.events.get(kind=CaseEvent.Kind.CERTIFICATE_ISSUED).text == "Credit-repair decision"


def test_a_credit_repair_decision_needs_its_listing_and_a_removal_already_made(judge, case, debtor):
    with pytest.raises(ValidationError) as missing:
        credit_repair(judge, case, debtor, listing_reference="", listing_removed_on=None)
    assert set(missing.value.message_dict) == {"listing_reference", "listing_removed_on"}

    with pytest.raises(ValidationError) as early:
        credit_repair(judge, case, debtor, listing_removed_on=TODAY + datetime.timedelta(days=1))
    assert set(early.value.message_dict) == {"listing_removed_on"}


def test_only_a_credit_repair_decision_names_a_listing(judge, case, debtor):
    with pytest.raises(ValidationError) as refused:
        issue(judge, case, debtor, listing_reference="（2026）蒙0302执1号决定书")
    assert "listing_reference" in refused.value.message_dict


@pytest.mark.parametrize("persona", ["clerk", "supervisor", "president", "outsider", "stranger"])
def test_only_the_case_judges_issue(request, case, debtor, persona):
    user = request.getfixturevalue(persona)

    with pytest.raises(PermissionDenied):
        issue(user, case, debtor)
    assert not Certificate.objects.exists()


def test_a_judge_of_another_team_may_not_issue(court, case, debtor):
    other = UserFactory(username="otherjudge", roles=["judge"], courts=[court])
    with pytest.raises(PermissionDenied):
        issue(other, case, debtor)


def test_nothing_is_issued_when_the_pdf_cannot_be_made(judge, case, debtor, monkeypatch):
    from enforcement.pdf import PdfUnavailable

    def unavailable(certificate: Certificate, code: str) -> bytes:
        raise PdfUnavailable("no Pango here")

    monkeypatch.setattr(certificate_document, "render_pdf", unavailable)

    with pytest.raises(ValidationError, match="cannot produce its PDF"):
        issue(judge, case, debtor)
    assert not Certificate.objects.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.CERTIFICATE_ISSUED).exists()


# --- Revoking ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["judge", "supervisor", "president"])
def test_the_judge_a_supervisor_or_the_president_revokes_with_a_reason(request, judge, case, debtor, persona):
    certificate = issue(judge, case, debtor).certificate
    user = request.getfixturevalue(persona)

    revoked = revoke_certificate(actor=user, certificate=certificate, reason="被执行人履行款项被撤销")

    assert revoked.is_revoked
    assert (revoked.revoked_by, revoked.revocation_reason) == (user, "被执行人履行款项被撤销")
    event = case.events.get(kind=CaseEvent.Kind.CERTIFICATE_REVOKED)
    assert event.detail == "被执行人履行款项被撤销"
    assert event.data["changes"] == {"revoked": {"from": False, "to": True}}
    assert revoked.history.count() == 2


@pytest.mark.parametrize("persona", ["clerk", "finance", "outsider"])
def test_others_may_not_revoke(request, judge, case, debtor, persona):
    certificate = issue(judge, case, debtor).certificate

    with pytest.raises(PermissionDenied):
        revoke_certificate(actor=request.getfixturevalue(persona), certificate=certificate, reason="无")
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_revoking_needs_a_reason_and_happens_once(judge, case, debtor):
    certificate = issue(judge, case, debtor).certificate
    with pytest.raises(ValidationError) as no_reason:
        revoke_certificate(actor=judge, certificate=certificate, reason=" ")
    assert "reason" in no_reason.value.message_dict

    revoke_certificate(actor=judge, certificate=certificate, reason="出具错误")
    with pytest.raises(ValidationError, match="already revoked"):
        revoke_certificate(actor=judge, certificate=certificate, reason="再次撤销")
    assert case.events.filter(kind=CaseEvent.Kind.CERTIFICATE_REVOKED).count() == 1


# --- The PDF ----------------------------------------------------------------------------------------------


def test_the_document_carries_the_code_and_a_qr_code_of_the_public_page_with_it(judge, case, debtor):
    issued = issue(judge, case, debtor)
    certificate = issued.certificate

    html = certificate_document.render_html(certificate, issued.code)

    url = f"https://zxzx.court.example/verify/?code={issued.code}"
    assert certificate_document.verification_url(issued.code) == url
    assert f'<span class="verification-code">{issued.code}</span>' in html
    assert f'href="{url}"' in html
    # The QR code drawn is that of the URL: segno draws the same modules for the same text.
    expected = segno.make(url, error="m").svg_inline(scale=certificate_document.QR_SCALE, omitsize=False)
    assert expected in html
    assert "李四" in html and "1101**********002X" in html and case.number in html
    assert PERFORMED_TEXT in html


def test_the_pdf_holds_the_link_with_the_code(judge, case, debtor):
    issued = issue(judge, case, debtor)

    content = issued.certificate.document.read()

    url = f"https://zxzx.court.example/verify/?code={issued.code}".encode()
    assert content.startswith(b"%PDF-")
    assert b"/URI (" + url + b")" in pdf_objects(content)


def test_the_credit_repair_decision_says_the_listing_was_removed(judge, case, debtor):
    issued = credit_repair(judge, case, debtor)

    html = certificate_document.render_html(issued.certificate, issued.code)

    assert "从失信被执行人名单中删除" in html  # the court's language: Chinese
    assert "（2026）蒙0302执10001号决定书" in html


@pytest.mark.pdf
def test_the_pdf_embeds_the_noto_cjk_font(judge, case, debtor):
    content = issue(judge, case, debtor).certificate.document.read()

    objects = pdf_objects(content)
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+Noto-?Sans-?CJK-?SC", objects, re.IGNORECASE)


# --- The case page ----------------------------------------------------------------------------------------


def detail(case: Case) -> str:
    return reverse("case-detail", args=[case.pk])


def issue_url(case: Case) -> str:
    return reverse("certificate-issue", args=[case.pk])


def form_data(debtor: Party, **overrides: str) -> dict[str, str]:
    return {
        "kind": Certificate.Kind.VOLUNTARY_PERFORMANCE,
        "party": str(debtor.pk),
        "certifies": PERFORMED_TEXT,
        "valid_until": "",
        "listing_reference": "",
        "listing_removed_on": "",
    } | overrides


def test_the_judge_issues_from_the_case_page_and_downloads_the_pdf(client, judge, case, debtor):
    client.force_login(judge)
    page = client.get(detail(case)).content.decode()
    assert 'id="issue-certificate"' in page

    response = client.post(issue_url(case), form_data(debtor), follow=True)

    assert response.redirect_chain[-1][0].endswith("#certificates")
    certificate = Certificate.objects.get()
    html = response.content.decode()
    assert "Certificate issued" in html
    pdf_url = reverse("certificate-pdf", args=[case.pk, certificate.pk])
    assert pdf_url in html
    pdf = client.get(pdf_url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")


def test_the_page_tells_the_judge_why_a_certificate_is_refused(client, judge, case, debtor):
    Case.objects.filter(pk=case.pk).update(status=Case.Status.FILED, closure="")
    client.force_login(judge)

    response = client.post(issue_url(case), form_data(debtor), follow=True)

    assert "closed as fully performed" in response.content.decode()
    assert not Certificate.objects.exists()


def test_a_clerk_sees_the_certificates_but_no_issue_form(client, clerk, judge, case, debtor):
    issue(judge, case, debtor)
    client.force_login(clerk)

    page = client.get(detail(case)).content.decode()

    assert 'id="certificate-list"' in page
    assert 'id="issue-certificate"' not in page
    assert "revoke-certificate" not in page
    refused = client.post(issue_url(case), form_data(debtor), follow=True)
    assert "Only the case&#x27;s judges issue certificates" in refused.content.decode()
    assert Certificate.objects.count() == 1


def test_the_supervisor_revokes_from_the_case_page(client, supervisor, judge, case, debtor):
    certificate = issue(judge, case, debtor).certificate
    client.force_login(supervisor)
    assert "revoke-certificate" in client.get(detail(case)).content.decode()

    client.post(reverse("certificate-revoke", args=[case.pk, certificate.pk]), {"reason": "出具错误"})

    certificate.refresh_from_db()
    assert certificate.revoked_by == supervisor


@pytest.mark.parametrize("persona", ["outsider", "stranger"])
def test_an_outsider_gets_404_for_every_certificate_page(request, client, judge, case, debtor, persona):
    certificate = issue(judge, case, debtor).certificate
    client.force_login(request.getfixturevalue(persona))

    assert client.post(issue_url(case), form_data(debtor)).status_code == 404
    revoke = reverse("certificate-revoke", args=[case.pk, certificate.pk])
    assert client.post(revoke, {"reason": "x"}).status_code == 404
    assert client.get(reverse("certificate-pdf", args=[case.pk, certificate.pk])).status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_party_without_an_account_is_sent_to_sign_in(client, judge, case, debtor):
    certificate = issue(judge, case, debtor).certificate
    response = client.get(reverse("certificate-pdf", args=[case.pk, certificate.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_a_certificate_is_reached_only_through_its_own_case(client, court, judge, case, debtor):
    certificate = issue(judge, case, debtor).certificate
    other = CaseFactory(court=court, responsible_judge=judge)
    client.force_login(judge)

    assert client.get(reverse("certificate-pdf", args=[other.pk, certificate.pk])).status_code == 404


# --- The API ----------------------------------------------------------------------------------------------


def api(client, user, method: str, url: str, body: dict | None = None):
    headers = {"authorization": f"Token {api_token(user)}"}
    if method == "get":
        return client.get(url, headers=headers)
    return client.post(url, body or {}, content_type="application/json", headers=headers)


def test_the_api_issues_lists_revokes_and_serves_the_pdf(client, judge, supervisor, case, debtor):
    url = reverse("api-case-certificates", args=[case.pk])
    body = {"kind": "voluntary_performance", "party": debtor.pk, "certifies": PERFORMED_TEXT}

    created = api(client, judge, "post", url, body)

    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["kind"], data["party_name"], data["revoked"]) == ("voluntary_performance", "李四", False)
    assert "code" not in data and "code_hash" not in data
    listed = api(client, judge, "get", url).json()
    assert [c["id"] for c in listed] == [data["id"]]
    pdf = api(client, judge, "get", reverse("api-certificate-pdf", args=[data["id"]]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    revoked = api(
        client, supervisor, "post", reverse("api-certificate-revoke", args=[data["id"]]), {"reason": "错"}
    )
    assert revoked.status_code == 200
    assert revoked.json()["revoked"] is True


def test_the_api_refuses_a_clerk_403_and_an_outsider_404(client, clerk, outsider, judge, case, debtor):
    url = reverse("api-case-certificates", args=[case.pk])
    body = {"kind": "voluntary_performance", "party": debtor.pk, "certifies": PERFORMED_TEXT}

    assert api(client, clerk, "post", url, body).status_code == 403
    assert api(client, outsider, "post", url, body).status_code == 404
    assert api(client, outsider, "get", url).status_code == 404
    certificate = issue(judge, case, debtor).certificate
    revoke = reverse("api-certificate-revoke", args=[certificate.pk])
    assert api(client, clerk, "post", revoke, {"reason": "x"}).status_code == 403
    assert api(client, outsider, "post", revoke, {"reason": "x"}).status_code == 404
    assert (
        api(client, outsider, "get", reverse("api-certificate-pdf", args=[certificate.pk])).status_code == 404
    )


def test_the_api_answers_bad_input_per_field(client, judge, case, debtor):
    url = reverse("api-case-certificates", args=[case.pk])
    applicant = case.applicants()[0]

    invalid = api(client, judge, "post", url, {"kind": "x", "party": 0, "certifies": ""})
    unknown = api(client, judge, "post", url, {"kind": "voluntary_performance", "party": debtor.pk, "x": 1})
    wrong_party = api(
        client, judge, "post", url, {"kind": "voluntary_performance", "party": 10**6, "certifies": "已履行"}
    )
    applicant_party = api(
        client,
        judge,
        "post",
        url,
        {"kind": "voluntary_performance", "party": applicant.pk, "certifies": "已履行"},
    )

    assert invalid.status_code == 400
    assert set(invalid.json()["errors"]) == {"kind", "party", "certifies"}
    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"x"}
    assert wrong_party.status_code == 400 and "party" in wrong_party.json()["errors"]
    assert applicant_party.status_code == 400 and "party" in applicant_party.json()["errors"]
