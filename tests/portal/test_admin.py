"""The portal's rows in the admin: listed and shown for support, never added, changed, reverted or deleted."""

import pytest
from django.urls import reverse

from portal.models import OnlineLead, PartyMessage
from tests.factories import PartyFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = ["queryblock", "appointmentslot", "appointment", "onlinelead", "partymessage"]


@pytest.fixture
def admin_client(client, court):
    admin = UserFactory(
        username="root", roles=["administrator"], courts=[court], is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    return client


@pytest.fixture
def lead():
    party = PartyFactory()
    PartyMessage.objects.create(case=party.case, party=party, from_party=True, body="法官您好")
    return OnlineLead.objects.create(case=party.case, party=party, kind="vehicle", detail="蒙L·12345")


@pytest.mark.parametrize("model", MODELS)
def test_each_list_opens_and_nothing_can_be_added(admin_client, lead, model):
    assert admin_client.get(reverse(f"admin:portal_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:portal_{model}_add")).status_code == 403


def test_a_lead_is_shown_but_not_changed_or_reverted(admin_client, lead):
    page = admin_client.get(reverse("admin:portal_onlinelead_change", args=[lead.pk]))
    assert page.status_code == 200
    assert "蒙L·12345" in page.content.decode()
    admin_client.post(reverse("admin:portal_onlinelead_change", args=[lead.pk]), {"detail": "changed"})
    first = OnlineLead.history.filter(id=lead.pk).first()
    revert = reverse("admin:portal_onlinelead_simple_history", args=[lead.pk, first.history_id])
    assert admin_client.post(revert, {"detail": "reverted"}).status_code == 403
    assert admin_client.post(reverse("admin:portal_onlinelead_delete", args=[lead.pk])).status_code == 403
    lead.refresh_from_db()
    assert lead.detail == "蒙L·12345"
