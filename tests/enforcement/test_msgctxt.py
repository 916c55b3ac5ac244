"""One English word, two meanings: each use has its own context, so each gets its own Chinese (issue 12).

The finance desk's claim button read 执行标的 because it shared the msgid "Claim" with the case's claim.
The tests in ``TestSeparateEntries`` give a small catalogue of their own that translates the two uses
differently, so they hold whatever the project's catalogue says; ``TestTheProjectCatalogue`` checks the
real Chinese, and passes once the entries of /work/i18n/http.po are merged into locale/.
"""

import re
import struct
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import pgettext

from custody.models import Detention, InstitutionKind, Measure
from enforcement.models import Case, Extension, NodeType
from payments import services
from payments.models import BankTransaction, LedgerEntry
from portal.models import Appointment
from tests.factories import CourtAccountFactory
from tests.money import money_case

pytestmark = pytest.mark.django_db

CLAIM_FIELD = "what the applicant asks to have enforced"
CLAIM_BUTTON = "button: take unmatched money into a case"
DESK = "/payments/desk/"
BUTTON = re.compile(
    r'<form method="post" action="/payments/transactions/\d+/claim/".*?<button[^>]*>([^<]*)</button>', re.S
)


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo file with these messages (keys "context\\x04msgid" for a context), as msgfmt writes it."""
    catalogue = {
        "": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n",
        **messages,
    }
    keys = sorted(catalogue)
    ids = [key.encode() for key in keys]
    strs = [catalogue[key].encode() for key in keys]
    header_size = 7 * 4
    ids_start = header_size + 16 * len(keys)
    offsets, data = [], b""
    for text in ids + strs:
        offsets.append((len(text), ids_start + len(data)))
        data += text + b"\0"
    table = b"".join(struct.pack("<2I", length, start) for length, start in offsets)
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), header_size, header_size + 8 * len(keys), 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + table + data)


@pytest.fixture
def own_catalogue(tmp_path, settings):
    """A catalogue before the project's own: the two uses of "Claim" marked apart."""
    write_mo(
        tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.mo",
        {
            f"{CLAIM_FIELD}\x04Claim": "FIELD-执行标的",
            f"{CLAIM_BUTTON}\x04Claim": "BUTTON-认领",
            "Claim": "SHARED",
        },
    )
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]  # the first path wins


@pytest.fixture
def desk_with_unmatched_money(client, court, finance):
    CourtAccountFactory(court=court)
    services.receive_money(
        incoming=services.IncomingMoney(
            transaction_id="UNM-CLAIM-1",
            account_number="",
            amount=Decimal("100.00"),
            booked_at=timezone.now(),
            payer_name="王五",
        ),
        source=BankTransaction.Source.STATEMENT,
        court=court,
    )
    client.force_login(finance)
    return client


def claim_button(html: str) -> str:
    found = BUTTON.search(html)
    assert found, "no claim form on the desk"
    return found.group(1).strip()


class TestSeparateEntries:
    def test_the_claim_button_has_its_own_translation(self, desk_with_unmatched_money, own_catalogue):
        html = desk_with_unmatched_money.get(DESK).content.decode()
        assert claim_button(html) == "BUTTON-认领"
        assert "SHARED" not in html

    def test_the_case_list_column_is_the_claim_field(self, client, court, clerk, judge, own_catalogue):
        money_case(court, clerk, judge)
        client.force_login(clerk)
        html = client.get("/cases/").content.decode()
        assert "<th>FIELD-执行标的</th>" in html
        assert "SHARED" not in html and "BUTTON-认领" not in html

    def test_the_filing_form_uses_the_claim_field(self, client, clerk, own_catalogue):
        client.force_login(clerk)
        html = client.get("/intake/new/").content.decode()
        assert "FIELD-执行标的" in html and "SHARED" not in html

    def test_english_is_unchanged(self, desk_with_unmatched_money):
        html = desk_with_unmatched_money.get(DESK, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert claim_button(html) == "Claim"

    def test_the_other_words_of_two_meanings_are_kept_apart(self, tmp_path, settings):
        # (the text as the code gives it, its context, its msgid): each use finds its own entry.
        uses = [
            (lambda: InstitutionKind.BANK.label, "kind of institution", "Bank"),
            (lambda: Measure.HolderKind.BANK.label, "kind of institution", "Bank"),
            (lambda: Case.Status.FILED.label, "case status", "Filed"),
            (lambda: NodeType.Unit.DAYS.label, "unit of a time limit", "days"),
            (lambda: NodeType.Unit.MONTHS.label, "unit of a time limit", "months"),
            (lambda: Detention._meta.get_field("days").verbose_name, "length of a detention", "days"),
            (lambda: Extension._meta.get_field("months").verbose_name, "length of an extension", "months"),
            (
                lambda: Appointment._meta.get_field("booked_at").verbose_name,
                "when the party booked the appointment",
                "booked at",
            ),
            (
                lambda: LedgerEntry._meta.get_field("booked_at").verbose_name,
                "when the bank booked the money",
                "booked at",
            ),
        ]
        write_mo(
            tmp_path / "zh_Hans" / "LC_MESSAGES" / "django.mo",
            {f"{context}\x04{msgid}": f"[{context}]" for _text, context, msgid in uses},
        )
        settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]
        with translation.override("zh-hans"):
            for text, context, _msgid in uses:
                assert str(text()) == f"[{context}]"


class TestTheProjectCatalogue:
    """The real Chinese. NOTE FOR THE LEAD: these fail until /work/i18n/http.po is merged into locale/
    and compiled; they are the check that the merge carried the contexts."""

    def test_the_finance_desk_claim_button_reads_认领(self, desk_with_unmatched_money):
        assert claim_button(desk_with_unmatched_money.get(DESK).content.decode()) == "认领"

    def test_the_claim_field_still_reads_执行标的(self):
        with translation.override("zh-hans"):
            assert pgettext(CLAIM_FIELD, "Claim") == "执行标的"
            assert pgettext(CLAIM_BUTTON, "Claim") == "认领"
