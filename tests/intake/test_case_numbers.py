"""Case numbers: shape, normalisation, and unique gapless allocation even under concurrency."""

import threading
from datetime import date

import pytest
from django.db import connection, connections
from hypothesis import given
from hypothesis import strategies as st

from enforcement.casenumbers import format_case_number, normalize_case_number, parse_case_number
from enforcement.models import Case, CaseType
from intake import services
from intake.casenumbers import allocate_case_number
from intake.models import CaseNumberCounter
from tests.factories import CourtFactory, UserFactory, resident_id, uscc


def application(court, n: int, **overrides) -> services.ApplicationInput:
    fields = {
        "court": court,
        "applicants": [
            services.PartyInput(
                kind="person", name=f"申请人{n}", id_type="resident_id", id_number=resident_id(n)
            )
        ],
        "respondents": [
            services.PartyInput(kind="organisation", name=f"被执行公司{n}", id_type="uscc", id_number=uscc(n))
        ],
        "title_court_name": "乌海市海勃湾区人民法院",
        "title_case_number": f"（2026）蒙0302民初{n}号",
        "title_effective_date": date(2026, 9, 1),
        "claim_kind": "money",
        "claim_amount": __import__("decimal").Decimal("1000.00"),
    }
    fields.update(overrides)
    return services.ApplicationInput(**fields)


def test_a_number_has_the_official_shape():
    assert (
        format_case_number(year=2021, court_code="云0381", type_code="执", seq=2234)
        == "（2021）云0381执2234号"
    )


def test_ascii_brackets_and_spaces_are_normalised():
    assert normalize_case_number(" (2021) 云0381执2234号 ") == "（2021）云0381执2234号"
    assert normalize_case_number("〔２０２１〕云0381执恢12号") == "（2021）云0381执恢12号"


def test_a_number_parses_into_its_parts():
    assert parse_case_number("(2021)云0381执恢12号") == {
        "year": "2021",
        "court": "云0381",
        "type": "执恢",
        "seq": "12",
    }
    assert parse_case_number("not a number") is None


@given(
    year=st.integers(2000, 2099),
    seq=st.integers(1, 10**6),
    court=st.sampled_from(["蒙0302", "云0381", "京01", "最高法"]),
    type_code=st.sampled_from(["执", "执恢", "执保", "执异"]),
)
def test_formatting_and_parsing_round_trip(year, seq, court, type_code):
    parts = parse_case_number(format_case_number(year=year, court_code=court, type_code=type_code, seq=seq))
    assert parts == {"year": str(year), "court": court, "type": type_code, "seq": str(seq)}


@pytest.mark.django_db
def test_sequences_restart_each_year_and_are_separate_per_court_and_type():
    first, second = CourtFactory(code="蒙0302"), CourtFactory(code="蒙0303")
    enforce, resume = CaseType.objects.get(code="执"), CaseType.objects.get(code="执恢")
    assert allocate_case_number(court=first, case_type=enforce, year=2026)[0] == 1
    assert allocate_case_number(court=first, case_type=enforce, year=2026)[0] == 2
    assert allocate_case_number(court=first, case_type=enforce, year=2027)[0] == 1
    assert allocate_case_number(court=second, case_type=enforce, year=2026)[0] == 1
    assert allocate_case_number(court=first, case_type=resume, year=2026)[1] == "（2026）蒙0302执恢1号"


@pytest.mark.django_db
def test_the_year_is_the_year_the_application_was_received(court, clerk):
    filed = services.file_case(actor=clerk, application=application(court, 1, received_on=date(2025, 12, 31)))
    assert filed.case.number == "（2025）蒙0302执1号"


@pytest.mark.django_db
def test_a_filing_that_fails_after_its_number_was_allocated_leaves_no_gap(court, clerk, monkeypatch):
    services.file_case(actor=clerk, application=application(court, 1))

    def crash(**kwargs):
        raise RuntimeError("the server died halfway through filing")

    with monkeypatch.context() as patch:
        patch.setattr(services, "record_event", crash)
        with pytest.raises(RuntimeError):
            services.file_case(actor=clerk, application=application(court, 2))
    assert not Case.objects.filter(title_case_number="（2026）蒙0302民初2号").exists()
    filed = services.file_case(actor=clerk, application=application(court, 3))
    assert filed.case.seq == 2
    assert CaseNumberCounter.objects.get(court=court).last_seq == 2


def _file_concurrently(court, clerk, count: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def worker(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            services.file_case(actor=clerk, application=application(court, n))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, count + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_clerks_filing_at_once_get_unique_consecutive_numbers():
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(roles=["clerk"], courts=[court])
    assert connection.vendor == "postgresql"
    errors = _file_concurrently(court, clerk, 50)
    assert errors == []
    seqs = sorted(Case.objects.filter(court=court).values_list("seq", flat=True))
    assert seqs == list(range(1, 51))
    numbers = set(Case.objects.values_list("number", flat=True))
    assert len(numbers) == 50


@pytest.mark.django_db(transaction=True)
def test_a_few_clerks_filing_at_once_get_consecutive_numbers_on_any_database():
    court = CourtFactory(code="蒙0302")
    clerk = UserFactory(roles=["clerk"], courts=[court])
    errors = _file_concurrently(court, clerk, 8)
    assert errors == []
    assert sorted(Case.objects.values_list("seq", flat=True)) == list(range(1, 9))
