"""The notices handed to the applicant at filing: the printable pages and their PDF versions."""

import datetime
import re
import zlib
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from enforcement.models import Case, Party
from intake import held_code, pdf, services
from intake.models import ReceivedMaterial
from tests.factories import resident_id, uscc

KINDS = ["acceptance", "rights"]


@pytest.fixture
def court_with_address(court):
    court.address = "内蒙古乌海市海勃湾区人民南路16号"
    court.service_phone = "0473-12368"
    court.save()
    return court


def _file(
    clerk, court, *, applicant: str = "张三", respondent: str = "乌海市某某建材有限公司"
) -> services.FiledCase:
    application = services.ApplicationInput(
        court=court,
        applicants=[
            services.PartyInput(
                kind=Party.Kind.PERSON,
                name=applicant,
                id_type=Party.IdType.RESIDENT_ID,
                id_number=resident_id(1),
            )
        ],
        respondents=[
            services.PartyInput(
                kind=Party.Kind.ORGANISATION,
                name=respondent,
                id_type=Party.IdType.USCC,
                id_number=uscc(2),
            )
        ],
        title_court_name="乌海市海勃湾区人民法院",
        title_case_number="（2026）蒙0302民初1234号",
        title_effective_date=timezone.localdate() - datetime.timedelta(days=60),
        claim_kind=Case.ClaimKind.MONEY,
        claim_amount=Decimal("125000.50"),
        claim_description="货款及利息",
        materials=[ReceivedMaterial.Kind.APPLICATION, ReceivedMaterial.Kind.TITLE_COPY],
    )
    return services.file_case(actor=clerk, application=application)


@pytest.fixture
def filed(clerk, court_with_address):
    return _file(clerk, court_with_address)


def _hold_query_code(client, filed: services.FiledCase) -> None:
    """What the intake form does after filing: the code held for the filing clerk (``intake.held_code``),
    masked in his session and its key in his browser."""
    session = client.session
    request = RequestFactory().get("/")
    request.session = session
    response = HttpResponse()
    held_code.remember(request, response, filed.case.pk, filed.query_code)
    session.save()
    client.cookies.update(response.cookies)


def _notice_url(case: Case, kind: str) -> str:
    return reverse("intake:notice", args=[case.pk, kind])


def _pdf_url(case: Case, kind: str) -> str:
    return reverse("intake:notice-pdf", args=[case.pk, kind])


# --- Printable pages --------------------------------------------------------------------------------------


def test_the_printable_acceptance_notice_shows_the_case_the_parties_the_amount_and_the_query_code(
    client, clerk, filed
):
    client.force_login(clerk)
    _hold_query_code(client, filed)

    response = client.get(_notice_url(filed.case, "acceptance"))

    assert response.status_code == 200
    html = response.content.decode()
    assert filed.case.number in html
    assert "张三" in html
    assert "乌海市某某建材有限公司" in html
    assert "（2026）蒙0302民初1234号" in html
    # Grouped by thousands in every language, as courts print amounts.
    assert "125,000.50" in html
    assert filed.query_code in html
    assert "0473-12368" in html
    assert "内蒙古乌海市海勃湾区人民南路16号" in html
    assert reverse("intake:notice-pdf", args=[filed.case.pk, "acceptance"]) in html
    # The print button works through static/js/app.js: the Content-Security-Policy allows no inline handler.
    assert "data-print" in html and "js/app.js" in html


def test_the_amount_is_grouped_by_thousands_with_two_decimals_in_english_too(client, clerk, filed):
    client.force_login(clerk)

    response = client.get(_notice_url(filed.case, "acceptance"), headers={"accept-language": "en"})

    assert "125,000.50" in response.content.decode()


def test_the_notice_is_a_standalone_document_without_external_resources(client, clerk, filed):
    client.force_login(clerk)

    html = client.get(_notice_url(filed.case, "acceptance")).content.decode()

    assert "@page { size: A4; margin: 20mm; }" in html
    assert "Noto Sans CJK SC" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "<link" not in html
    assert "site-header" not in html  # not base.html


def test_the_acceptance_notice_no_longer_shows_the_query_code_once_its_delivery_is_recorded(
    client, clerk, filed
):
    client.force_login(clerk)
    _hold_query_code(client, filed)
    applicant = filed.case.parties.get(role=Party.Role.APPLICANT)

    response = client.post(
        reverse("intake:record-delivery", args=[filed.case.pk]),
        {"kind": "acceptance", "recipient": applicant.pk, "method": "in_person", "acknowledged": "on"},
    )
    assert response.status_code == 302
    assert filed.case.notice_deliveries.filter(kind="acceptance", acknowledged=True).exists()

    response = client.get(_notice_url(filed.case, "acceptance"), headers={"accept-language": "en"})

    html = response.content.decode()
    assert response.status_code == 200
    assert filed.query_code not in html
    assert filed.case.number in html
    assert "The query code was handed to you when the case was filed" in html


def test_the_rights_notice_shows_the_case_number_the_time_limits_and_the_signature_line(client, clerk, filed):
    client.force_login(clerk)
    _hold_query_code(client, filed)

    response = client.get(_notice_url(filed.case, "rights"), headers={"accept-language": "en"})

    html = response.content.decode()
    assert response.status_code == 200
    assert filed.case.number in html
    assert "张三" in html
    assert "within 15 days" in html
    assert "within 10 days" in html
    assert "Applicant (signature):" in html
    assert "Date:" in html
    assert filed.query_code not in html  # the code belongs on the acceptance notice only
    assert reverse("intake:notice-pdf", args=[filed.case.pk, "rights"]) in html


@pytest.mark.parametrize("kind", KINDS)
def test_an_outsider_gets_404_for_the_notices_and_their_pdfs(client, outsider, filed, kind):
    client.force_login(outsider)

    assert client.get(_notice_url(filed.case, kind)).status_code == 404
    assert client.get(_pdf_url(filed.case, kind)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, filed):
    response = client.get(_notice_url(filed.case, "acceptance"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_an_unknown_notice_kind_is_404(client, clerk, filed):
    client.force_login(clerk)

    assert client.get(_notice_url(filed.case, "summons")).status_code == 404
    assert client.get(_pdf_url(filed.case, "summons")).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_names_containing_html_are_escaped_in_the_notice(client, clerk, court_with_address, kind):
    filed = _file(
        clerk, court_with_address, applicant="<script>alert(1)</script>", respondent="<b>某公司</b>"
    )
    client.force_login(clerk)

    html = client.get(_notice_url(filed.case, kind)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    if kind == "acceptance":
        assert "<b>某公司</b>" not in html
        assert "&lt;b&gt;某公司&lt;/b&gt;" in html


# --- PDF ----------------------------------------------------------------------------------------------------


def _pdf_objects(content: bytes) -> bytes:
    """The PDF's bytes plus its Flate streams inflated, so names inside object streams can be searched."""
    parts = [content]
    for match in re.finditer(rb"stream\r?\n", content):
        start = match.end()
        end = content.find(b"endstream", start)
        try:
            parts.append(zlib.decompressobj().decompress(content[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.mark.pdf
@pytest.mark.parametrize("kind", KINDS)
def test_the_notice_pdf_is_a_pdf_with_the_noto_cjk_font_embedded(client, clerk, filed, kind):
    client.force_login(clerk)

    response = client.get(_pdf_url(filed.case, kind))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    objects = _pdf_objects(content)
    # WeasyPrint 70 subsets the font and names it after the family: /FontName /TSPJMR+Noto-Sans-CJK-SC
    # (the font's PostScript name would be NotoSansCJKsc-Regular; accept both spellings).
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+Noto-?Sans-?CJK-?SC", objects, re.IGNORECASE)
    assert re.search(rb"/FontFile[23]?\s+\d+ 0 R", objects)  # embedded, not merely referenced


@pytest.mark.pdf
def test_the_pdf_is_served_inline_under_a_percent_encoded_file_name(client, clerk, filed):
    client.force_login(clerk)
    case = filed.case

    disposition = client.get(_pdf_url(case, "acceptance"))["Content-Disposition"]

    # The court code (蒙0302) is not ASCII: raw in a header, Django would MIME-encode the whole value.
    assert disposition.isascii()
    assert disposition.startswith("inline;")
    filename = quote(f"acceptance-{case.year}-{case.court.code}-{case.seq}.pdf")
    assert f"filename*=utf-8''{filename}" in disposition


@pytest.mark.pdf
def test_the_pdf_names_the_case_in_its_title(client, clerk, filed):
    client.force_login(clerk)

    content = client.get(_pdf_url(filed.case, "acceptance")).content

    # The body text is CID-encoded glyphs, unreadable without a PDF library (none is a dependency); the
    # document's /Title, from <title>, is a UTF-16 hex string (<feff...>) in the info dictionary.
    number_hex = filed.case.number.encode("utf-16-be").hex()
    assert re.search(rb"/title\s*<feff(?:[0-9a-f]{4})*" + number_hex.encode(), _pdf_objects(content).lower())


def test_without_weasyprint_the_pdf_view_answers_503_with_a_link_to_the_printable_page(
    client, clerk, filed, monkeypatch
):
    def unavailable(html: str, *, base_url: str) -> bytes:
        raise pdf.PdfUnavailable("no Pango here")

    monkeypatch.setattr(pdf, "html_to_pdf", unavailable)
    client.force_login(clerk)

    response = client.get(_pdf_url(filed.case, "acceptance"), headers={"accept-language": "en"})

    assert response.status_code == 503
    assert "intake/pdf_unavailable.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "The PDF cannot be produced on this server" in html
    assert _notice_url(filed.case, "acceptance") in html
