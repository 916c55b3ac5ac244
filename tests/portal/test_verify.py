"""The public check of a certificate (issue 14, point 7): a bank or an employer types the code, or opens the
QR code's link; a genuine certificate in force is shown, and every other code (unknown, revoked, expired)
gets one answer, the same page, words and status; failures are throttled per address; GET writes nothing.
"""

import datetime
import re
from collections.abc import Iterator
from typing import cast

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from enforcement import certcodes
from enforcement.models import Case, Certificate, Party
from enforcement.services.certificates import IssuedCertificate, issue_certificate, revoke_certificate
from portal import verification
from portal.models import QueryAttempt, QueryBlock
from tests.factories import CaseFactory, PartyFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
TODAY = NOW.date()
CHECK = reverse("verify:check")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
NO_CERTIFICATE = "No certificate in force has this code."


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def case(court, judge) -> Case:
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


def issue(judge, case, name: str = "李四", **overrides) -> IssuedCertificate:
    debtor = PartyFactory(case=case, role=Party.Role.RESPONDENT, name=name, id_number="11010519491231002X")
    arguments = {
        "kind": Certificate.Kind.VOLUNTARY_PERFORMANCE,
        "certifies": "被执行人已主动全部履行生效法律文书确定的义务。",
    } | overrides
    return issue_certificate(actor=judge, case=case, party=debtor, **arguments)


@pytest.fixture
def genuine(judge, case) -> IssuedCertificate:
    return issue(judge, case, valid_until=TODAY + datetime.timedelta(days=180))


@pytest.fixture
def revoked(judge, case) -> IssuedCertificate:
    issued = issue(judge, case, name="王五")
    revoke_certificate(actor=judge, certificate=issued.certificate, reason="出具错误")
    return issued


def check(client: Client, code: str, address: str = "10.0.0.1"):
    return client.post(CHECK, {"code": code}, REMOTE_ADDR=address, **EN)


def unknown_code() -> str:
    return certcodes.new_code()


def comparable(html: str) -> str:
    """The page without what differs between any two renders of it: the CSRF token's per-response mask
    and the Content-Security-Policy nonce."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value=""', html)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', html)
    return re.sub(r'nonce="[^"]+"', 'nonce=""', html)


# --- Genuine ----------------------------------------------------------------------------------------------


def test_a_genuine_certificate_in_force_is_shown_as_issued(client, court, case, genuine):
    response = check(client, genuine.code)

    assert response.status_code == 200
    html = response.content.decode()
    assert "The certificate is genuine and in force" in html
    assert "Certificate of voluntary performance" in html
    assert court.name in html and case.number in html
    assert "李四" in html and "1101**********002X" in html
    assert "11010519491231002X" not in html
    assert "被执行人已主动全部履行生效法律文书确定的义务。" in html
    assert "2026-12-02" in html and "2027-05-31" in html  # issued, valid until
    assert NO_CERTIFICATE not in html


def test_the_code_is_read_however_it_is_typed(client, genuine):
    typed = certcodes.normalize(genuine.code).lower()
    spaced = " ".join(typed[i : i + 4] for i in range(0, 16, 4))

    assert "genuine and in force" in check(client, spaced).content.decode()


def test_a_genuine_check_writes_nothing(client, genuine):
    check(client, genuine.code)

    assert not QueryAttempt.objects.exists()


def test_a_credit_repair_decision_shows_the_listing_removed(client, judge, case):
    issued = issue(
        judge,
        case,
        kind=Certificate.Kind.CREDIT_REPAIR,
        certifies="本院决定对被执行人予以信用修复。",
        listing_reference="（2026）蒙0302执10001号决定书",
        listing_removed_on=TODAY,
    )

    html = check(client, issued.code).content.decode()

    assert "Credit-repair decision" in html
    assert "（2026）蒙0302执10001号决定书" in html


# --- One answer for every code that does not verify --------------------------------------------------------


def test_revoked_and_unknown_codes_get_one_answer(client, genuine, revoked):
    unknown = check(Client(), unknown_code(), address="10.0.0.2")
    withdrawn = check(Client(), revoked.code, address="10.0.0.3")

    assert unknown.status_code == withdrawn.status_code == 200
    assert NO_CERTIFICATE in unknown.content.decode()
    assert comparable(unknown.content.decode()) == comparable(withdrawn.content.decode())
    assert {k: v for k, v in unknown.items() if k != "Content-Security-Policy"} == {
        k: v for k, v in withdrawn.items() if k != "Content-Security-Policy"
    }
    # Each counts once toward the throttle: counting only one kind would tell them apart.
    assert QueryAttempt.objects.filter(purpose="certificate").count() == 2


def test_an_expired_certificate_gets_the_same_answer(client, judge, case, clock):
    expiring = issue(judge, case, valid_until=TODAY + datetime.timedelta(days=1))
    assert "genuine and in force" in check(Client(), expiring.code).content.decode()  # its last day is valid

    clock.move_to(NOW + datetime.timedelta(days=2))
    expired = check(Client(), expiring.code, address="10.0.0.4")
    unknown = check(Client(), unknown_code(), address="10.0.0.5")

    assert comparable(expired.content.decode()) == comparable(unknown.content.decode())


def test_a_revoked_certificate_stops_verifying_at_once(client, judge, genuine):
    assert "genuine and in force" in check(client, genuine.code).content.decode()

    revoke_certificate(actor=judge, certificate=genuine.certificate, reason="履行款项被撤销")

    assert NO_CERTIFICATE in check(client, genuine.code).content.decode()


def test_nothing_typed_is_echoed_after_a_failure(client, revoked):
    html = check(client, revoked.code).content.decode()

    assert revoked.code not in html
    assert certcodes.normalize(revoked.code) not in html
    assert "王五" not in html


def test_a_malformed_code_is_a_form_error_and_not_counted(client):
    response = check(client, "ABCD-0000")

    assert "16 letters and digits; check what you typed" in response.content.decode()
    assert not QueryAttempt.objects.exists()


# --- The QR code's link ------------------------------------------------------------------------------------


def test_the_qr_link_fills_in_the_code_and_asks_for_the_button(
    client, genuine, django_assert_max_num_queries
):
    link = f"{CHECK}?code={genuine.code}"

    with django_assert_max_num_queries(2):  # the session, at most: the code is not looked up
        response = client.get(link, **EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{genuine.code}"' in html
    assert "Press the button to check it" in html
    assert "genuine and in force" not in html  # GET looks nothing up
    assert 'method="post"' in html


def test_opening_the_qr_link_writes_nothing_not_even_for_an_unknown_code(client):
    for _ in range(verification.FAILURES_PER_HOUR + 3):
        assert client.get(f"{CHECK}?code={unknown_code()}").status_code == 200

    assert not QueryAttempt.objects.exists()
    assert not QueryBlock.objects.exists()


def test_a_link_with_a_malformed_code_shows_an_empty_form(client):
    html = client.get(CHECK + "?code=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert 'value="' not in re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


# --- Throttling -------------------------------------------------------------------------------------------


def test_an_address_is_refused_after_its_hourly_failures(client, genuine):
    for _ in range(verification.FAILURES_PER_HOUR):
        assert check(client, unknown_code()).status_code == 200

    refused = check(client, unknown_code())

    assert refused.status_code == 429
    html = refused.content.decode()
    assert "Too many codes that did not verify were checked from this device" in html
    assert "2026-12-02 11:00" in html
    assert int(refused["Retry-After"]) == 3600
    block = QueryBlock.objects.get()
    assert (block.scope, block.key, block.failures) == ("cert", "10.0.0.1", verification.FAILURES_PER_HOUR)


def test_while_throttled_even_the_genuine_code_is_refused_and_nothing_is_counted(client, genuine):
    for _ in range(verification.FAILURES_PER_HOUR):
        check(client, unknown_code())

    assert check(client, genuine.code).status_code == 429
    assert check(client, unknown_code()).status_code == 429
    assert QueryAttempt.objects.count() == verification.FAILURES_PER_HOUR


def test_the_address_is_released_when_its_failures_leave_the_hour(client, genuine, clock):
    for _ in range(verification.FAILURES_PER_HOUR):
        check(client, unknown_code())
    assert check(client, genuine.code).status_code == 429

    clock.move_to(NOW + datetime.timedelta(hours=1, seconds=1))

    assert "genuine and in force" in check(client, genuine.code).content.decode()


def test_an_address_gets_at_most_its_daily_failures(client, clock):
    at = NOW
    for n in range(verification.FAILURES_PER_DAY):
        if n and n % (verification.FAILURES_PER_HOUR - 1) == 0:
            at += datetime.timedelta(hours=1, minutes=1)  # stay under the hourly limit
            clock.move_to(at)
        assert check(client, unknown_code()).status_code == 200, n

    clock.move_to(at + datetime.timedelta(hours=2))
    assert check(client, unknown_code()).status_code == 429


def test_other_addresses_are_not_affected(client, genuine):
    for _ in range(verification.FAILURES_PER_HOUR):
        check(client, unknown_code())

    assert "genuine and in force" in check(Client(), genuine.code, address="10.0.0.9").content.decode()


def test_certificate_checks_and_progress_queries_are_counted_apart(client, genuine):
    for _ in range(verification.FAILURES_PER_HOUR):
        check(client, unknown_code())

    # The progress query of the same address is not throttled by the certificate checks.
    progress = client.post(
        reverse("portal:query"),
        {"number": "（2026）蒙0302执99999号", "id_number": "X", "query_code": "AAAAAAAA"},
        REMOTE_ADDR="10.0.0.1",
    )
    assert progress.status_code == 200
    assert QueryAttempt.objects.filter(purpose="progress").count() == 1


def test_a_guess_overtaken_by_a_block_is_refused_and_not_counted(genuine, monkeypatch):
    """Failures that land between a check's first look at the blocks and its answer (many at once)."""
    original = verification.verified
    ran: list[bool] = []

    def meanwhile(code: str, **kwargs: object):
        if not ran:
            ran.append(True)
            for _ in range(verification.FAILURES_PER_HOUR):
                verification.check(client_ip="192.0.2.50", code=unknown_code())
        return original(code, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verification, "verified", meanwhile)

    outcome = verification.check(client_ip="192.0.2.50", code=genuine.code)

    assert outcome.certificate is None  # the right code too: otherwise "refused" would mean "wrong"
    assert outcome.blocked_until is not None
    assert QueryAttempt.objects.count() == verification.FAILURES_PER_HOUR


def test_supervisors_see_certificate_blocks_with_the_others(client, supervisor):
    for _ in range(verification.FAILURES_PER_HOUR):
        check(Client(), unknown_code(), address="198.51.100.1")
    client.force_login(supervisor)

    html = client.get(reverse("portal:throttled"), **EN).content.decode()

    assert "198.51.100.1" in html
    assert "Client address checking certificates" in html
