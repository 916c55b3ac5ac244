"""Allocating case numbers: gapless per court, type and year (法〔2015〕137号). Their form is the core's
(``enforcement.casenumbers``)."""

from django.db import IntegrityError, transaction

from enforcement.casenumbers import format_case_number
from enforcement.models import CaseType, Court

from .models import CaseNumberCounter


def allocate_case_number(*, court: Court, case_type: CaseType, year: int) -> tuple[int, str]:
    """The next sequence number and the formatted case number; call inside the filing transaction."""
    counter = _locked_counter(court=court, case_type=case_type, year=year)
    counter.last_seq += 1
    counter.save(update_fields=["last_seq"])
    number = format_case_number(
        year=year, court_code=court.code, type_code=case_type.code, seq=counter.last_seq
    )
    return counter.last_seq, number


def _locked_counter(*, court: Court, case_type: CaseType, year: int) -> CaseNumberCounter:
    lookup = {"court": court, "case_type": case_type, "year": year}
    try:
        return CaseNumberCounter.objects.select_for_update().get(**lookup)
    except CaseNumberCounter.DoesNotExist:
        pass
    try:
        # The first filing of a year creates the counter. Two clerks may race to create it: the loser's
        # insert waits for the winner's commit and fails, and it then locks the winner's row instead.
        with transaction.atomic():
            return CaseNumberCounter.objects.create(**lookup)
    except IntegrityError:
        return CaseNumberCounter.objects.select_for_update().get(**lookup)
