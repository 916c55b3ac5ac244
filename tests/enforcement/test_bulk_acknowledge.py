"""Acknowledging many alerts at once with one comment: the service (locks, re-checks, audits each) and
the supervisor page's form (ticked alerts, or all matching the filter)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from enforcement.models import Alert, CaseEvent
from enforcement.scan import scan_deadlines
from enforcement.services.alerts import acknowledge_alert, acknowledge_alerts
from tests.enforcement.test_notifications import file
from tests.factories import UserFactory

SCAN_AT = timezone.now() + datetime.timedelta(days=14)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def raise_alerts(court, clerk, count: int, first: int = 1) -> list[Alert]:
    for n in range(first, first + count):
        file(court, clerk, n)
    scan_deadlines(now=SCAN_AT)
    return list(Alert.objects.filter(court=court).order_by("pk"))


pytestmark = pytest.mark.django_db


class TestService:
    def test_forty_at_once_with_one_comment_each_audited(self, court, clerk, supervisor):
        alerts = raise_alerts(court, clerk, 40)
        result = acknowledge_alerts(actor=supervisor, alerts=alerts, comment="  已督促承办人  ")
        assert len(result.acknowledged) == 40 and not result.skipped
        assert Alert.objects.filter(acknowledged_by=supervisor, acknowledgement="已督促承办人").count() == 40
        events = CaseEvent.objects.filter(kind=CaseEvent.Kind.ALERT_ACKNOWLEDGED)
        assert events.count() == 40 and {e.case_id for e in events} == {a.case_id for a in alerts}

    def test_already_acknowledged_and_resolved_ones_are_skipped(self, court, clerk, supervisor):
        alerts = raise_alerts(court, clerk, 5)
        acknowledge_alert(actor=supervisor, alert=alerts[0], comment="earlier")
        Alert.objects.filter(pk=alerts[1].pk).update(resolved_at=SCAN_AT)
        result = acknowledge_alerts(actor=supervisor, alerts=alerts, comment="now")
        assert len(result.acknowledged) == 3
        assert result.skipped == {"acknowledged": 1, "resolved": 1}
        assert Alert.objects.get(pk=alerts[0].pk).acknowledgement == "earlier"

    def test_partial_permission_acknowledges_only_the_actors_courts(
        self, court, other_court, clerk, supervisor
    ):
        mine = raise_alerts(court, clerk, 3)
        other_clerk = UserFactory(username="clerk2", roles=["clerk"], courts=[other_court])
        theirs = raise_alerts(other_court, other_clerk, 2)
        result = acknowledge_alerts(actor=supervisor, alerts=[*mine, *theirs], comment="ok")
        assert {a.pk for a in result.acknowledged} == {a.pk for a in mine}
        assert result.skipped == {"not_allowed": 2}
        assert not Alert.objects.filter(court=other_court, acknowledged_at__isnull=False).exists()

    def test_a_judge_acknowledges_nothing(self, court, clerk, judge):
        alerts = raise_alerts(court, clerk, 2)
        result = acknowledge_alerts(actor=judge, alerts=alerts, comment="ok")
        assert result.acknowledged == [] and result.skipped == {"not_allowed": 2}

    @pytest.mark.parametrize("comment", ["", "   "])
    def test_a_comment_is_required(self, court, clerk, supervisor, comment):
        alerts = raise_alerts(court, clerk, 2)
        with pytest.raises(ValidationError):
            acknowledge_alerts(actor=supervisor, alerts=alerts, comment=comment)
        assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()

    def test_nothing_ticked_is_refused(self, supervisor):
        with pytest.raises(ValidationError):
            acknowledge_alerts(actor=supervisor, alerts=[], comment="ok")


class TestPage:
    def post(self, client, **data):
        return client.post(
            reverse("alert-acknowledge-many"), {"next": reverse("supervisor-alerts"), **data}, **EN
        )

    def test_the_page_offers_the_bulk_form_to_a_supervisor(self, client, court, clerk, supervisor):
        raise_alerts(court, clerk, 3)
        client.force_login(supervisor)
        page = client.get(reverse("supervisor-alerts"), **EN).content.decode()
        assert 'id="bulk-ack"' in page and page.count('form="bulk-ack"') == 3

    def test_ticked_alerts_are_acknowledged(self, client, court, clerk, supervisor):
        alerts = raise_alerts(court, clerk, 4)
        client.force_login(supervisor)
        response = self.post(client, comment="催办", scope="selected", alert=[a.pk for a in alerts[:3]])
        assert response.status_code == 302
        assert Alert.objects.filter(acknowledged_at__isnull=False).count() == 3
        page = client.get(response.url, **EN).content.decode()
        assert "3 alerts acknowledged." in page

    def test_all_matching_the_filter(self, client, court, clerk, supervisor):
        raise_alerts(court, clerk, 6)
        client.force_login(supervisor)
        self.post(client, comment="批量", scope="matching", level="overdue")
        assert Alert.objects.filter(acknowledged_at__isnull=False).count() == 6
        self.post(client, comment="again", scope="matching", level="nearing")
        assert not Alert.objects.filter(acknowledgement="again").exists()

    def test_other_courts_alerts_ticked_by_hand_are_not_found(
        self, client, court, other_court, clerk, supervisor
    ):
        other_clerk = UserFactory(username="clerk2", roles=["clerk"], courts=[other_court])
        [theirs, *_] = raise_alerts(other_court, other_clerk, 1)
        client.force_login(supervisor)
        response = self.post(client, comment="x", scope="selected", alert=[theirs.pk])
        assert response.status_code == 302
        assert Alert.objects.get(pk=theirs.pk).acknowledged_at is None

    @pytest.mark.parametrize(
        ("data", "said"),
        [
            ({"comment": "", "scope": "selected", "alert": ["1"]}, "a comment is required"),
            (
                {"comment": "x", "scope": "selected", "alert": ["abc", "-1", "9" * 40]},
                "not filled in correctly",
            ),
            ({"comment": "x", "scope": "selected"}, "Tick at least one alert"),
            ({"comment": "x", "scope": "everything"}, "not filled in correctly"),
            ({"comment": "x" * 5000, "scope": "matching"}, "not filled in correctly"),
            # An invalid filter filters nothing, as on the page itself.
            (
                {"comment": "x", "scope": "matching", "team": "nope", "level": "weird"},
                "2 alerts acknowledged.",
            ),
        ],
    )
    def test_bad_input_gives_a_message_never_a_500(self, client, court, clerk, supervisor, data, said):
        raise_alerts(court, clerk, 2)
        client.force_login(supervisor)
        response = self.post(client, **data)
        assert response.status_code == 302
        assert said in client.get(response.url, **EN).content.decode()

    def test_a_judge_may_not_post(self, client, court, clerk, judge):
        raise_alerts(court, clerk, 1)
        client.force_login(judge)
        assert self.post(client, comment="x", scope="matching").status_code == 403
