"""The parties' models moved from intake to the portal app with their rows (portal/migrations/0001, 0002;
intake/migrations/0005): a database that holds rows in intake's tables keeps every one, under the
portal's table names, and their content types (the subject of a lead's verification deadline) follow."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from enforcement.models import Party
from portal.models import Appointment, AppointmentSlot, OnlineLead, PartyMessage, QueryAttempt
from tests.factories import PartyFactory, UserFactory

BEFORE = [("intake", "0004_risks_by_kind"), ("portal", None)]
MOVED_TABLES = {
    "intake_partylead": "portal_onlinelead",
    "intake_historicalpartylead": "portal_historicalonlinelead",
    "intake_appointmentslot": "portal_appointmentslot",
    "intake_appointment": "portal_appointment",
    "intake_partymessage": "portal_partymessage",
    "intake_queryattempt": "portal_queryattempt",
    "intake_queryblock": "portal_queryblock",
    "intake_publicprogress": "portal_publicprogress",
    "intake_leadattachment": "portal_leadattachment",
}


def migrate(targets: list[tuple[str, str | None]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def latest() -> list[tuple[str, str | None]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def tables() -> set[str]:
    return set(connection.introspection.table_names())


def seed_intake_rows(executor: MigrationExecutor, party: Party, judge: User) -> dict[str, int]:
    """Rows as intake wrote them before the move, through the models of that state."""
    old = executor.loader.project_state([("intake", "0004_risks_by_kind")]).apps
    lead = old.get_model("intake", "PartyLead").objects.create(
        case_id=party.case_id, party_id=party.pk, kind="vehicle", detail="蒙L·12345 停在父亲家"
    )
    starts = timezone.now() + datetime.timedelta(days=3)
    slot = old.get_model("intake", "AppointmentSlot").objects.create(
        judge_id=judge.pk,
        court_id=party.case.court_id,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=30),
        place="第三接待室",
    )
    old.get_model("intake", "Appointment").objects.create(
        slot_id=slot.pk, case_id=party.case_id, party_id=party.pk, topic="付款计划"
    )
    old.get_model("intake", "PartyMessage").objects.create(
        case_id=party.case_id, party_id=party.pk, from_party=True, body="法官您好"
    )
    old.get_model("intake", "QueryAttempt").objects.create(client_ip="10.0.0.8", case_number_key="X")
    # Moved back by the reverse migration, or made here as an older database has it.
    content_type, _made = ContentType.objects.get_or_create(app_label="intake", model="partylead")
    return {"lead": lead.pk, "slot": slot.pk, "content_type": content_type.pk}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_the_rows_and_their_content_types():
    party, judge = PartyFactory(), UserFactory()  # the core's tables do not move
    executor = migrate(BEFORE)
    assert set(MOVED_TABLES) <= tables()
    assert not set(MOVED_TABLES.values()) & tables()
    ids = seed_intake_rows(executor, party, judge)

    migrate(latest())

    assert set(MOVED_TABLES.values()) <= tables()
    assert not set(MOVED_TABLES) & tables()
    lead = OnlineLead.objects.get(pk=ids["lead"])
    assert (lead.kind, lead.detail) == ("vehicle", "蒙L·12345 停在父亲家")
    assert AppointmentSlot.objects.get(pk=ids["slot"]).place == "第三接待室"
    assert Appointment.objects.get(slot_id=ids["slot"]).topic == "付款计划"
    assert PartyMessage.objects.get(case_id=lead.case_id).body == "法官您好"
    assert QueryAttempt.objects.filter(client_ip="10.0.0.8").count() == 1
    # The same content type row, now the portal's: whatever pointed at it points at the moved model.
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(OnlineLead).pk == ids["content_type"]
    # New rows go on from the moved rows' ids.
    assert OnlineLead.objects.create(case=lead.case, party=lead.party, kind="wages", detail="x").pk > lead.pk


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_move_can_be_undone():
    migrate(BEFORE)
    assert set(MOVED_TABLES) <= tables()
    assert ContentType.objects.filter(app_label="intake", model="partylead").exists()
    # The moved models' content types went back to intake (the portal's own later models, the lobby's,
    # keep theirs: they never were intake's).
    moved = [name.removeprefix("portal_") for name in MOVED_TABLES.values()]
    assert not ContentType.objects.filter(app_label="portal", model__in=moved).exists()
    migrate(latest())
    assert set(MOVED_TABLES.values()) <= tables()
