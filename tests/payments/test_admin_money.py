"""The admin shows money and service-written records and never changes them, not even by a history revert."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments import services
from payments.models import LedgerEntry, Payout
from tests.factories import UserFactory
from tests.money import money_case, pay_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, court):
    admin = UserFactory(
        username="root", roles=["administrator"], courts=[court], is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    return client


@pytest.fixture
def payout(court, clerk, judge):
    case = money_case(court, clerk, judge)
    pay_in(case, "100.00")
    return services.propose_payout(actor=judge, case=case, lines=[(case.applicants()[0], Decimal("60.00"))])


def test_a_history_revert_of_a_payout_is_refused(admin_client, payout, team_lead):
    services.decide_payout(actor=team_lead, payout=payout, approve=True)
    first = Payout.history.filter(id=payout.pk).order_by("history_date").first()
    url = reverse("admin:payments_payout_simple_history", args=[payout.pk, first.history_id])
    assert admin_client.get(url).status_code == 200  # looking is allowed
    response = admin_client.post(url, {"status": "proposed", "amount": "60.00"})
    assert response.status_code == 403
    assert Payout.objects.get(pk=payout.pk).status == Payout.Status.APPROVED


def test_money_rows_cannot_be_added_changed_or_deleted(admin_client, payout):
    entry = LedgerEntry.objects.first()
    assert admin_client.get(reverse("admin:payments_ledgerentry_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:payments_ledgerentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    change = admin_client.post(reverse("admin:payments_payout_change", args=[payout.pk]), {"amount": "1.00"})
    assert change.status_code == 403
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()
    assert Payout.objects.get(pk=payout.pk).amount == Decimal("60.00")
