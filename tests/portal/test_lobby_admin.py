"""The lobby's reference data in the admin: an administrator turns a court's screen on and edits the
guidance and the forms; every change is kept in their history."""

import pytest
from django.urls import reverse

from portal.models import DocumentTemplate, LobbyGuide, LobbyScreen
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, court):
    admin = UserFactory(
        username="root", roles=["administrator"], courts=[court], is_staff=True, is_superuser=True
    )
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["lobbyscreen", "lobbyguide", "documenttemplate"])
def test_each_list_and_its_add_form_open(admin_client, model):
    assert admin_client.get(reverse(f"admin:portal_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:portal_{model}_add")).status_code == 200


def test_an_administrator_turns_a_courts_screen_on(admin_client, court):
    response = admin_client.post(
        reverse("admin:portal_lobbyscreen_add"),
        {
            "court": court.pk,
            "enabled": "on",
            "rows_per_page": "12",
            "seconds_per_page": "20",
            "opening_hours": "",
        },
    )
    assert response.status_code == 302
    screen = LobbyScreen.objects.get(court=court)
    assert screen.enabled
    assert screen.history.get().history_user.username == "root"
    assert admin_client.get(reverse("lobby:screen", args=[court.code])).status_code == 200


def test_a_page_too_short_or_too_many_rows_is_refused(admin_client, court):
    response = admin_client.post(
        reverse("admin:portal_lobbyscreen_add"),
        {"court": court.pk, "enabled": "on", "rows_per_page": "200", "seconds_per_page": "1"},
    )
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"rows_per_page", "seconds_per_page"}
    assert not LobbyScreen.objects.exists()


def test_editing_a_seeded_form_is_kept_in_its_history(admin_client):
    form = DocumentTemplate.objects.get(court=None, title="授权委托书")
    admin_client.post(
        reverse("admin:portal_documenttemplate_change", args=[form.pk]),
        {
            "title": form.title,
            "description": "新的说明",
            "body": form.body,
            "order": form.order,
            "active": "on",
        },
    )
    form.refresh_from_db()
    assert form.description == "新的说明"
    assert [h.description for h in form.history.order_by("history_date")][-1] == "新的说明"
    assert form.history.filter(history_type="~").exists()


def test_a_guide_for_one_court_is_added(admin_client, court):
    admin_client.post(
        reverse("admin:portal_lobbyguide_add"),
        {
            "court": court.pk,
            "language": "",
            "title": "开放时间",
            "body": "周一至周五",
            "order": "0",
            "active": "on",
        },
    )
    assert LobbyGuide.objects.get(title="开放时间").court == court
