"""The progress query's snapshot (``portal.snapshot``): one statement per query, and whatever
parties see follows every change of the rows it is built from."""

import json
import threading
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from enforcement.models import Case, CaseEvent, Deadline, NodeType
from enforcement.services.cases import close_case
from enforcement.services.deadlines import meet_deadline
from enforcement.services.events import record_event
from payments.models import Payout
from payments.services import cancel_payout
from portal import snapshot as progress_snapshot
from portal.models import PublicProgress
from tests.closing import settle_money
from tests.money import pay_in
from tests.portal.test_progress import APPLICANT_ID, World, make_world

API = "/api/v1/progress/"


@pytest.fixture
def world(court, clerk, team_lead, supervisor) -> World:
    return make_world(court, clerk, team_lead, supervisor)


def ask(client, world: World) -> dict:
    body = {"number": world.case.number, "id_number": APPLICANT_ID, "query_code": world.code}
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_query_of_a_case_with_its_snapshot_is_two_statements(client, world, django_assert_num_queries):
    first = ask(client, world)  # builds the snapshot
    assert PublicProgress.objects.filter(case=world.case).exists()
    # One reads the block, the code's hash and the snapshot; the second looks again for a block that
    # failures running alongside may have made meanwhile (portal.progress.query, issue 12 point 9).
    with django_assert_num_queries(2):
        again = ask(client, world)
    again.pop("token"), first.pop("token")
    assert again == first


def test_the_snapshot_stores_no_identity_number_phone_or_address(client, world):
    ask(client, world)
    stored = json.dumps(PublicProgress.objects.get(case=world.case).data, ensure_ascii=False)
    for party in world.case.parties.all():
        for secret in (party.id_number, party.phone, party.address, party.agent_name, party.agent_phone):
            if secret:
                assert secret not in stored


def test_a_snapshot_built_by_older_code_is_rebuilt(client, world):
    ask(client, world)
    PublicProgress.objects.filter(case=world.case).update(data={"v": 0})
    assert ask(client, world)["number"] == world.case.number
    assert PublicProgress.objects.get(case=world.case).data["v"] == progress_snapshot.VERSION


def _public_event(world: World) -> Callable[[dict], bool]:
    kind = CaseEvent.Kind.NOTICE_DELIVERED
    record_event(case=world.case, kind=kind, actor=world.judge, public=True, detail="新通知")
    return lambda shown: any(e["detail"] == "新通知" for e in shown["events"])


def _deadline_met(world: World) -> Callable[[dict], bool]:
    before = Deadline.objects.filter(case=world.case, status__in=Deadline.ACTIVE, node_type__public=True)
    first = before.order_by("due_at").first()
    assert first is not None
    meet_deadline(case=world.case, code=first.node_type.code, actor=world.judge)
    name = first.node_type.name
    return lambda shown: shown["next_step"] is None or shown["next_step"]["name"] != name


def _money_received(world: World) -> Callable[[dict], bool]:
    pay_in(world.case, "250.00", payer="欧阳娜娜")
    return lambda shown: shown["money"]["totals"]["received"] == "1250.00"


def _payout_cancelled(world: World) -> Callable[[dict], bool]:
    payout = Payout.objects.get(case=world.case)
    cancel_payout(actor=world.judge, payout=payout, note="账户有误")
    return lambda shown: shown["money"]["totals"]["pending"] == "0.00"


def _own_name_corrected(world: World) -> Callable[[dict], bool]:
    world.applicant.name = "李建民"
    world.applicant.save()
    return lambda shown: shown["you"]["name"] == "李建民"


def _judge_renamed(world: World) -> Callable[[dict], bool]:
    world.judge.first_name = "强"
    world.judge.save()
    return lambda shown: shown["judge"] == "王强"


def _team_phone_changed(world: World) -> Callable[[dict], bool]:
    world.team.service_phone = "0473-9999999"
    world.team.save(update_fields=["service_phone"])
    return lambda shown: shown["service_phone"] == "0473-9999999"


def _court_renamed(world: World) -> Callable[[dict], bool]:
    court = world.case.court
    court.name = "乌海市海勃湾区人民法院（新）"
    court.save()
    return lambda shown: shown["court"] == "乌海市海勃湾区人民法院（新）"


def _node_type_renamed(world: World) -> Callable[[dict], bool]:
    step = Deadline.objects.filter(case=world.case, status__in=Deadline.ACTIVE, node_type__public=True)
    node = NodeType.objects.get(pk=step.order_by("due_at").first().node_type_id)
    node.name = "新的节点名称"
    node.save()
    return lambda shown: shown["next_step"]["name"] == "新的节点名称"


def _case_closed(world: World) -> Callable[[dict], bool]:
    settle_money(world.case)  # a case with money in its account cannot close
    close_case(actor=world.judge, case=world.case, closure=Case.Closure.PERFORMED)
    return lambda shown: shown["stage_code"] == "closed" and shown["next_step"] is None


@pytest.mark.parametrize(
    "change",
    [
        _public_event,
        _deadline_met,
        _money_received,
        _payout_cancelled,
        _own_name_corrected,
        _judge_renamed,
        _team_phone_changed,
        _court_renamed,
        _node_type_renamed,
        _case_closed,
    ],
)
def test_what_parties_see_follows_each_change(client, world, change):
    before = ask(client, world)  # the snapshot is built
    assert PublicProgress.objects.filter(case=world.case).exists()
    shows_the_change = change(world)
    assert not shows_the_change(before)
    assert shows_the_change(ask(client, world))


def test_a_login_does_not_drop_the_judges_snapshots(client, world):
    ask(client, world)
    client.force_login(world.judge)  # saves last_login only
    assert PublicProgress.objects.filter(case=world.case).exists()


@pytest.mark.django_db(transaction=True)
def test_a_change_inside_a_rolled_back_savepoint_still_drops_after_commit(
    court, clerk, team_lead, supervisor
):
    world = make_world(court, clerk, team_lead, supervisor)
    progress_snapshot.rebuild(world.case.pk)
    with transaction.atomic():
        try:
            with transaction.atomic():
                world.applicant.save()  # its drop-after-commit leaves with the savepoint
                raise RuntimeError
        except RuntimeError:
            pass
        world.respondent.save()
        assert not PublicProgress.objects.filter(case=world.case).exists()
        progress_snapshot.rebuild(world.case.pk)  # read again in the same transaction
        assert PublicProgress.objects.filter(case=world.case).exists()
    assert not PublicProgress.objects.filter(case=world.case).exists()  # dropped after the commit


def test_the_command_builds_every_snapshot(world, capsys):
    call_command("rebuild_progress")
    assert PublicProgress.objects.count() == Case.objects.count()
    assert "progress snapshot(s) built" in capsys.readouterr().out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_build_that_read_before_a_commit_leaves_no_stale_snapshot(
    court, clerk, team_lead, supervisor, monkeypatch
):
    """A party's query builds the snapshot from the old rows while a clerk's change commits; the build
    writes after the commit. The drop after the commit waits for the build's lock, so nothing stale stays."""
    world = make_world(court, clerk, team_lead, supervisor)
    PublicProgress.objects.all().delete()
    read_old, go = threading.Event(), threading.Event()
    original = progress_snapshot.build

    def slow_build(case_id: int):
        data = original(case_id)
        read_old.set()
        go.wait(10)
        return data

    monkeypatch.setattr(progress_snapshot, "build", slow_build)

    def reader() -> None:
        try:
            progress_snapshot.rebuild(world.case.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=reader)
    thread.start()
    assert read_old.wait(10)
    with transaction.atomic():
        world.applicant.name = "李建民"
        world.applicant.save()
        threading.Timer(0.3, go.set).start()  # the build writes its old snapshot after this commit
    thread.join(10)
    monkeypatch.setattr(progress_snapshot, "build", original)
    data = progress_snapshot.snapshot_for(world.case.pk)
    assert data is not None
    assert any(p["name"] == "李建民" for p in data["parties"])
