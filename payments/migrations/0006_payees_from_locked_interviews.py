"""Payout accounts of first interviews locked before payments kept them (issue 13, point 2).

Payments used to read the locked first interview whenever it listed the payees; now locking the record
hands the account over (``payments.services.take_payee_from_interview``) and payments never reads the
interview. Each interview locked before this migration hands its account over here, by the same rule:
to the applicant it names, or the only applicant, unless the judge already recorded one; confirmed by
whoever locked the record, when he locked it.
"""

from django.db import migrations

BASIS = "初次接待笔录"


def _normalized(name: str) -> str:
    return "".join(name.split()).replace("（", "(").replace("）", ")")


def forwards(apps, schema_editor):
    FirstInterview = apps.get_model("intake", "FirstInterview")
    Party = apps.get_model("enforcement", "Party")
    PayeeAccount = apps.get_model("payments", "PayeeAccount")
    locked = FirstInterview.objects.filter(locked_at__isnull=False).exclude(payout_account_number="")
    for interview in locked.iterator():
        applicants = list(Party.objects.filter(case_id=interview.case_id, role="applicant").order_by("pk"))
        named = [p for p in applicants if _normalized(p.name) == _normalized(interview.payout_account_name)]
        party = named[0] if named else (applicants[0] if len(applicants) == 1 else None)
        if party is None or interview.locked_by_id is None:
            continue
        if PayeeAccount.objects.filter(party=party).exists():
            continue
        PayeeAccount.objects.create(
            case_id=interview.case_id,
            party=party,
            bank_name=interview.payout_bank_name.strip(),
            account_name=interview.payout_account_name.strip(),
            account_number=interview.payout_account_number.strip(),
            basis=BASIS,
            confirmed_by_id=interview.locked_by_id,
            confirmed_at=interview.locked_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_court_account_opened_on_and_refused_notifications"),
        ("intake", "0004_risks_by_kind"),
    ]

    # Backwards leaves the accounts: they were confirmed, and payments reads nothing else any more.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
