"""The working calendar as data: seeded holidays, loading a year's notice, courts' rest days, the admin.

Every change to the calendar recomputes the open deadlines it moves; these tests file real cases (which
open the 7-day "assign_judge" clock) and watch their due dates move.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from enforcement.duedates import describe
from enforcement.models import Alert, CalendarDay, CalendarYear, Case, Deadline
from enforcement.scan import scan_deadlines
from enforcement.services import calendar as calendar_services
from enforcement.services.calendar import (
    load_year_notice,
    parse_notice,
    remove_calendar_day,
    set_calendar_day,
)
from enforcement.workcalendar import WorkingCalendar, package_days
from intake import services as intake
from tests.factories import UserFactory
from tests.intake.test_case_numbers import application

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date
REST, WORKDAY = CalendarDay.Kind.REST, CalendarDay.Kind.WORKDAY

pytestmark = pytest.mark.django_db

# The 2027 Spring Festival as a made-up notice puts it (the real notice is published late in 2026).
NOTICE_2027 = """
# 国务院办公厅关于2027年部分节假日安排的通知（测试用）
2027-01-01 rest 元旦
2027-02-02..2027-02-08 休 春节
2027-01-31 班 春节调休
"""


def at(year: int, month: int, day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def file_at(when: datetime.datetime, court, clerk, n: int = 1) -> Case:
    with time_machine.travel(when, tick=False):
        return intake.file_case(actor=clerk, application=application(court, n)).case


def assign_judge(case: Case) -> Deadline:
    return Deadline.objects.get(case=case, node_type__code="assign_judge")


def words(deadline: Deadline) -> list[str]:
    with translation.override("en"):
        return [describe(step) for step in deadline.explanation]


def codes(deadline: Deadline) -> list[str]:
    return [step["code"] for step in deadline.explanation]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", roles=["administrator"], is_staff=True, is_superuser=True)


@pytest.fixture
def administrator(db):
    """An administrator by role only: not a superuser."""
    return UserFactory(username="calendar-admin", roles=["administrator"])


# --- (a) The seeded calendar ------------------------------------------------------------------------------


class TestSeededCalendar:
    def test_the_national_day_week_of_2026_is_a_holiday_with_its_make_up_saturday(self):
        calendar = WorkingCalendar(None)
        for day in range(1, 8):
            assert calendar.is_rest_day(D(2026, 10, day))
            assert calendar.rest_day_name(D(2026, 10, day)) == "国庆节"
        assert D(2026, 10, 10).weekday() == 5
        assert not calendar.is_rest_day(D(2026, 10, 10))
        assert CalendarDay.objects.get(date=D(2026, 10, 10), court=None).kind == WORKDAY
        assert calendar.is_rest_day(D(2026, 10, 11))  # an ordinary Sunday
        assert not CalendarDay.objects.filter(date=D(2026, 10, 11)).exists()

    def test_the_package_years_are_loaded_and_2027_is_not(self):
        assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.PACKAGE
        assert CalendarYear.objects.filter(year=2004).exists()
        assert not CalendarYear.objects.filter(year=2027).exists()
        assert not WorkingCalendar(None).is_loaded(2027)
        assert WorkingCalendar(None).is_loaded(2026)


# --- (b) Reading a notice ---------------------------------------------------------------------------------


class TestParseNotice:
    def test_single_days_ranges_chinese_kind_words_and_comments(self):
        days = parse_notice(NOTICE_2027)
        assert days[0] == (D(2027, 1, 1), REST, "元旦")
        assert days[1:8] == [(D(2027, 2, day), REST, "春节") for day in range(2, 9)]
        assert days[8] == (D(2027, 1, 31), WORKDAY, "春节调休")
        assert len(days) == 9

    def test_english_kind_words_in_any_case_an_inline_comment_and_no_name(self):
        text = "2027-10-01..2027-10-03 REST 国庆节  # three days\n\n   \n2027-09-26 workday\n"
        assert parse_notice(text) == [
            (D(2027, 10, 1), REST, "国庆节"),
            (D(2027, 10, 2), REST, "国庆节"),
            (D(2027, 10, 3), REST, "国庆节"),
            (D(2027, 9, 26), WORKDAY, ""),
        ]

    def test_nothing_but_comments_is_an_empty_notice(self):
        assert parse_notice("# nothing yet\n\n") == []

    @pytest.mark.parametrize(
        ("line", "fragment"),
        [
            ("2027-01-01", "write a date"),
            ("元旦 2027-01-01 rest", "write a date"),
            ("2027-02-30 rest 春节", "“2027-02-30” is not a date"),
            ("2027-02-01..2027-13-01 rest 春节", "“2027-13-01” is not a date"),
            ("2027-01-01 holiday 元旦", "“holiday” is not a kind of day"),
            ("2027-02-08..2027-02-02 rest 春节", "the range ends before it starts"),
            ("2027-01-01..2027-03-01 rest 春节", "a range of more than 31 days"),
        ],
    )
    def test_each_mistake_names_its_line(self, line, fragment):
        text = f"# the notice\n2027-10-01 rest 国庆节\n{line}\n"
        with translation.override("en"), pytest.raises(ValidationError) as raised:
            parse_notice(text)
        assert len(raised.value.messages) == 1
        message = raised.value.messages[0]
        assert message.startswith("Line 3:"), message
        assert fragment in message

    def test_a_date_listed_twice_names_both_lines_and_every_mistake_is_reported(self):
        text = "2027-02-02..2027-02-08 rest 春节\n2027-02-08 workday 调休\n2027-05-40 rest 劳动节\n"
        with translation.override("en"), pytest.raises(ValidationError) as raised:
            parse_notice(text)
        assert raised.value.messages == [
            "Line 2: 2027-02-08 is already listed on line 1.",
            "Line 3: “2027-05-40” is not a date.",
        ]


# --- (c) Loading a year's notice --------------------------------------------------------------------------


class TestLoadYearNotice:
    def test_loading_2027_moves_a_deadline_off_the_new_holiday_and_explains_it(
        self, court, clerk, administrator
    ):
        case = file_at(at(2027, 1, 26), court, clerk)
        before = assign_judge(case)
        assert before.due_date == D(2027, 2, 2)
        assert "year_not_loaded" in codes(before)
        assert any("holiday notice for 2027 is not loaded yet" in w for w in words(before))

        with time_machine.travel(at(2027, 1, 27), tick=False):
            year = load_year_notice(
                actor=administrator, year=2027, days=parse_notice(NOTICE_2027), note="国办发明电〔2026〕X号"
            )

        assert year.year == 2027
        assert year.deadlines_moved >= 1
        loaded = CalendarYear.objects.get(year=2027)
        assert loaded.source == CalendarYear.Source.NOTICE
        assert loaded.loaded_by == administrator
        assert loaded.note == "国办发明电〔2026〕X号"
        assert CalendarDay.objects.filter(date__year=2027, court=None).count() == 9

        after = assign_judge(case)
        assert after.due_date == D(2027, 2, 9)
        assert after.due_at == datetime.datetime(2027, 2, 10, tzinfo=SHANGHAI)
        assert "year_not_loaded" not in codes(after)
        rolled = next(step for step in after.explanation if step["code"] == "rolled")
        assert rolled == {"code": "rolled", "from": "2027-02-02", "name": "春节", "date": "2027-02-09"}
        assert not any("not loaded" in w for w in words(after))

    def test_a_first_load_that_moves_no_date_still_drops_the_not_loaded_note(
        self, court, clerk, administrator
    ):
        case = file_at(at(2027, 3, 1), court, clerk)  # 7 days → Monday 2027-03-08, nowhere near a holiday
        assert "year_not_loaded" in codes(assign_judge(case))
        limit = Deadline.objects.get(case=case, node_type__code="case_limit")
        assert "year_not_loaded" in codes(limit)

        with time_machine.travel(at(2027, 3, 2), tick=False):
            year = load_year_notice(actor=administrator, year=2027, days=parse_notice(NOTICE_2027))

        assert year.deadlines_moved == 2
        assert assign_judge(case).due_date == D(2027, 3, 8)
        assert "year_not_loaded" not in codes(assign_judge(case))
        assert "year_not_loaded" not in codes(Deadline.objects.get(pk=limit.pk))

    def test_reloading_replaces_the_national_days_and_keeps_a_courts_own(self, court, administrator):
        set_calendar_day(actor=administrator, date=D(2027, 4, 30), kind=REST, name="本地", court=court)
        load_year_notice(actor=administrator, year=2027, days=parse_notice(NOTICE_2027))
        result = calendar_services.apply_year_notice(
            actor=administrator,
            year=2027,
            days=parse_notice("2027-01-01 rest 元旦\n2027-02-03..2027-02-09 rest 春节\n2027-01-31 班 调休"),
        )
        assert result.added == [D(2027, 2, 9)]
        assert result.removed == [D(2027, 2, 2)]
        assert result.changed == [D(2027, 1, 31)]  # its name changed
        assert not result.first_load
        national = CalendarDay.objects.filter(date__year=2027, court=None)
        assert sorted(national.values_list("date", flat=True)) == [
            D(2027, 1, 1),
            D(2027, 1, 31),
            *[D(2027, 2, day) for day in range(3, 10)],
        ]
        assert CalendarDay.objects.filter(court=court, date=D(2027, 4, 30)).exists()

    @pytest.mark.parametrize(
        ("days", "fragment"),
        [
            ([(D(2028, 1, 1), "rest", "元旦")], "2028-01-01 is not in 2027"),
            ([(D(2027, 1, 1), "holiday", "元旦")], "is not a kind of day"),
            ([(D(2027, 1, 1), "rest", "元旦"), (D(2027, 1, 1), "workday", "")], "2027-01-01 is listed twice"),
            ([], "The notice lists no days"),
        ],
    )
    def test_a_wrong_notice_is_refused_and_changes_nothing(self, administrator, days, fragment):
        with translation.override("en"), pytest.raises(ValidationError) as raised:
            load_year_notice(actor=administrator, year=2027, days=days)
        assert any(fragment in message for message in raised.value.messages), raised.value.messages
        assert not CalendarYear.objects.filter(year=2027).exists()
        assert not CalendarDay.objects.filter(date__year=2027).exists()


# --- (d) A court's own rest day ---------------------------------------------------------------------------


class TestCourtRestDay:
    def test_a_courts_extra_rest_day_moves_its_deadline_and_not_another_courts(
        self, court, other_court, clerk, outsider, administrator
    ):
        ours = file_at(at(2026, 11, 16), court, clerk, n=1)
        theirs = file_at(at(2026, 11, 16), other_court, outsider, n=2)
        assert assign_judge(ours).due_date == assign_judge(theirs).due_date == D(2026, 11, 23)

        with time_machine.travel(at(2026, 11, 17), tick=False):
            day = set_calendar_day(
                actor=administrator, date=D(2026, 11, 23), kind=REST, name="地方节日", court=court
            )

        assert day.court == court and day.kind == REST
        assert day.deadlines_moved == 1
        assert assign_judge(ours).due_date == D(2026, 11, 24)
        assert "地方节日" in " ".join(words(assign_judge(ours)))
        assert assign_judge(theirs).due_date == D(2026, 11, 23)
        assert WorkingCalendar.for_court(court).is_rest_day(D(2026, 11, 23))
        assert not WorkingCalendar.for_court(other_court).is_rest_day(D(2026, 11, 23))
        assert not WorkingCalendar(None).is_rest_day(D(2026, 11, 23))

    def test_a_nearing_deadline_moved_by_a_new_rest_day_is_open_again_and_its_alert_resolved(
        self, court, clerk, administrator
    ):
        case = file_at(at(2026, 11, 16), court, clerk)  # due 11-23, warned from 11-22 (2 days' lead)
        with time_machine.travel(at(2026, 11, 22), tick=False):
            scan_deadlines()
            deadline = assign_judge(case)
            assert deadline.status == Deadline.Status.NEARING
            assert Alert.objects.filter(deadline=deadline, resolved_at__isnull=True).count() == 1
            set_calendar_day(
                actor=administrator, date=D(2026, 11, 23), kind=REST, name="地方节日", court=court
            )
        deadline.refresh_from_db()
        assert deadline.due_date == D(2026, 11, 24)
        assert deadline.status == Deadline.Status.OPEN and deadline.generation == 1
        assert not Alert.objects.filter(deadline=deadline, resolved_at__isnull=True).exists()

    def test_changing_a_day_again_changes_the_same_row(self, court, administrator):
        first = set_calendar_day(actor=administrator, date=D(2026, 11, 23), kind=REST, court=court)
        second = set_calendar_day(actor=administrator, date=D(2026, 11, 23), kind=WORKDAY, court=court)
        assert first.pk == second.pk
        assert CalendarDay.objects.get(pk=first.pk).kind == WORKDAY

    def test_a_wrong_kind_is_refused(self, administrator):
        with pytest.raises(ValidationError):
            set_calendar_day(actor=administrator, date=D(2026, 11, 23), kind="holiday")


# --- (e) Removing a holiday -------------------------------------------------------------------------------


class TestRemovingAHoliday:
    def test_removing_a_holiday_moves_a_deadline_back_earlier(self, court, clerk, administrator):
        case = file_at(at(2026, 9, 28), court, clerk)  # 7 days → 10-05, National Day: rolled to 10-08
        assert assign_judge(case).due_date == D(2026, 10, 8)

        with time_machine.travel(at(2026, 9, 29), tick=False):
            remove_calendar_day(
                actor=administrator, day=CalendarDay.objects.get(date=D(2026, 10, 5), court=None)
            )

        after = assign_judge(case)
        assert after.due_date == D(2026, 10, 5)
        assert "rolled" not in codes(after)

    def test_a_national_make_up_working_day_can_be_set_back_to_rest(self, court, clerk, administrator):
        case = file_at(at(2026, 10, 3), court, clerk)  # 7 days → Saturday 10-10, a make-up working day
        assert assign_judge(case).due_date == D(2026, 10, 10)
        with time_machine.travel(at(2026, 10, 4), tick=False):
            set_calendar_day(actor=administrator, date=D(2026, 10, 10), kind=REST, name="更正")
        assert assign_judge(case).due_date == D(2026, 10, 12)


# --- (f) Administrators only ------------------------------------------------------------------------------


class TestPermissions:
    def test_only_administrators_change_the_calendar(self, court, clerk, supervisor):
        holiday = CalendarDay.objects.get(date=D(2026, 10, 5), court=None)
        for user in (clerk, supervisor, UserFactory(username="staff", is_staff=True)):
            with pytest.raises(PermissionDenied):
                set_calendar_day(actor=user, date=D(2026, 11, 23), kind=REST, court=court)
            with pytest.raises(PermissionDenied):
                remove_calendar_day(actor=user, day=holiday)
            with pytest.raises(PermissionDenied):
                load_year_notice(actor=user, year=2027, days=parse_notice(NOTICE_2027))
        assert CalendarDay.objects.filter(pk=holiday.pk).exists()
        assert not CalendarDay.objects.filter(date=D(2026, 11, 23)).exists()
        assert not CalendarYear.objects.filter(year=2027).exists()

    def test_a_superuser_without_the_role_may(self):
        root = UserFactory(username="root", is_superuser=True)
        set_calendar_day(actor=root, date=D(2026, 11, 23), kind=REST, name="x")
        assert CalendarDay.objects.filter(date=D(2026, 11, 23), court=None).exists()


# --- (g) The admin pages ----------------------------------------------------------------------------------


class TestAdmin:
    @pytest.fixture
    def admin_page(self, client, admin_user):
        client.force_login(admin_user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    def test_the_years_list_links_to_the_notice_form_which_loads_a_year(
        self, admin_page, admin_user, court, clerk
    ):
        case = file_at(at(2027, 1, 26), court, clerk)
        changelist = reverse("admin:enforcement_calendaryear_changelist")
        form_url = reverse("admin:enforcement_calendaryear_load_notice")

        page = admin_page.get(changelist)
        assert page.status_code == 200
        assert form_url in page.content.decode()
        assert "State Council notice" in page.content.decode()

        page = admin_page.get(form_url)
        assert page.status_code == 200
        assert 'name="notice"' in page.content.decode()

        with time_machine.travel(at(2027, 1, 27), tick=False):
            admin_page.force_login(admin_user)  # the session of "now" would have expired by 2027
            page = admin_page.post(
                form_url, {"year": "2027", "notice": NOTICE_2027, "note": "测试通知"}, follow=True
            )
        assert page.status_code == 200
        assert page.redirect_chain[-1][0] == changelist
        shown = [str(m) for m in page.context["messages"]]
        assert shown == [
            "Loaded the holidays of 2027 from the notice: 9 days added, 0 changed, 0 removed. "
            "2 open deadlines were recomputed."  # assign_judge moved; case_limit lost its note
        ]
        assert CalendarYear.objects.get(year=2027).loaded_by.username == "admin"
        assert assign_judge(case).due_date == D(2027, 2, 9)

    def test_a_wrong_notice_is_shown_again_with_its_line_numbers(self, admin_page):
        form_url = reverse("admin:enforcement_calendaryear_load_notice")
        page = admin_page.post(
            form_url, {"year": "2027", "notice": "2027-01-01 rest 元旦\n2027-02-30 休 春节"}
        )
        assert page.status_code == 200
        assert "Line 2: “2027-02-30” is not a date." in page.content.decode()
        page = admin_page.post(form_url, {"year": "2028", "notice": "2027-01-01 rest 元旦"})
        assert "2027-01-01 is not in 2028." in page.content.decode()
        assert not CalendarYear.objects.filter(year__in=[2027, 2028]).exists()

    def test_the_notice_form_is_for_administrators_only(self, client, court):
        staff = UserFactory(username="staff", is_staff=True)
        client.force_login(staff)
        assert client.get(reverse("admin:enforcement_calendaryear_load_notice")).status_code == 403

    def test_adding_a_courts_rest_day_in_the_admin_moves_the_deadline(self, admin_page, court, clerk):
        case = file_at(at(2026, 11, 16), court, clerk)
        assert assign_judge(case).due_date == D(2026, 11, 23)
        with time_machine.travel(at(2026, 11, 17), tick=False):
            page = admin_page.post(
                reverse("admin:enforcement_calendarday_add"),
                {"date": "2026-11-23", "court": str(court.pk), "kind": "rest", "name": "地方节日"},
                follow=True,
            )
        assert page.status_code == 200
        day = CalendarDay.objects.get(date=D(2026, 11, 23), court=court)
        assert day.history.count() == 1
        assert assign_judge(case).due_date == D(2026, 11, 24)
        shown = [str(m) for m in page.context["messages"]]
        assert "1 open deadline was recomputed after this calendar change." in shown

        with time_machine.travel(at(2026, 11, 17), tick=False):
            page = admin_page.post(
                reverse("admin:enforcement_calendarday_delete", args=[day.pk]), {"post": "yes"}, follow=True
            )
        assert page.status_code == 200
        assert not CalendarDay.objects.filter(pk=day.pk).exists()
        assert assign_judge(case).due_date == D(2026, 11, 23)

    def test_changing_a_national_day_in_the_admin_moves_the_deadline(self, admin_page, court, clerk):
        case = file_at(at(2026, 10, 3), court, clerk)  # 7 days → Saturday 10-10, a make-up working day
        assert assign_judge(case).due_date == D(2026, 10, 10)
        day = CalendarDay.objects.get(date=D(2026, 10, 10), court=None)
        url = reverse("admin:enforcement_calendarday_change", args=[day.pk])
        assert admin_page.get(url).status_code == 200
        with time_machine.travel(at(2026, 10, 4), tick=False):
            page = admin_page.post(url, {"kind": "rest", "name": "更正"}, follow=True)
        assert page.status_code == 200
        day.refresh_from_db()
        assert (day.date, day.court, day.kind, day.name) == (D(2026, 10, 10), None, REST, "更正")
        assert assign_judge(case).due_date == D(2026, 10, 12)
        assert (
            admin_page.get(reverse("admin:enforcement_calendarday_history", args=[day.pk])).status_code == 200
        )

    def test_a_years_note_can_be_edited_but_a_year_is_not_added_or_deleted_by_hand(self, admin_page):
        year = CalendarYear.objects.get(year=2026)
        url = reverse("admin:enforcement_calendaryear_change", args=[year.pk])
        assert admin_page.get(url).status_code == 200
        admin_page.post(url, {"note": "chinesecalendar 1.11"})
        year.refresh_from_db()
        assert year.note == "chinesecalendar 1.11" and year.source == CalendarYear.Source.PACKAGE
        assert admin_page.get(reverse("admin:enforcement_calendaryear_add")).status_code == 403
        assert (
            admin_page.get(reverse("admin:enforcement_calendaryear_delete", args=[year.pk])).status_code
            == 403
        )

    def test_the_calendar_day_list_filters_by_year(self, admin_page):
        page = admin_page.get(reverse("admin:enforcement_calendarday_changelist"), {"year": "2026"})
        assert page.status_code == 200
        assert "国庆节" in page.content.decode()

    def test_the_deadline_page_shows_how_the_due_date_was_computed(self, admin_page, court, clerk):
        deadline = assign_judge(file_at(at(2026, 9, 28), court, clerk))
        page = admin_page.get(reverse("admin:enforcement_deadline_change", args=[deadline.pk]))
        assert page.status_code == 200
        html = page.content.decode()
        for line in words(deadline):
            assert line in html
        assert "国庆节" in html and "2026-10-08" in html
        listing = admin_page.get(
            reverse("admin:enforcement_deadline_changelist"), {"q": deadline.case.number}
        )
        assert listing.status_code == 200

    def test_deadlines_and_their_records_cannot_be_changed_in_the_admin(self, admin_page, court, clerk):
        deadline = assign_judge(file_at(at(2026, 9, 28), court, clerk))
        assert admin_page.get(reverse("admin:enforcement_deadline_add")).status_code == 403
        assert (
            admin_page.get(reverse("admin:enforcement_deadline_delete", args=[deadline.pk])).status_code
            == 403
        )
        for name in ("deduction", "extension", "alert", "outboxmessage"):
            assert admin_page.get(reverse(f"admin:enforcement_{name}_changelist")).status_code == 200
            assert admin_page.get(reverse(f"admin:enforcement_{name}_add")).status_code == 403

    def test_node_types_are_listed_and_a_court_override_is_a_row_with_a_court(self, admin_page, court):
        page = admin_page.get(reverse("admin:enforcement_nodetype_changelist"))
        assert page.status_code == 200
        assert "assign_judge" in page.content.decode()
        assert admin_page.get(reverse("admin:enforcement_nodetype_add")).status_code == 200


# --- (h) The management command ---------------------------------------------------------------------------


class TestLoadHolidaysCommand:
    def test_from_package_adds_what_is_missing_and_a_second_run_adds_nothing(self, court, clerk):
        # As if the installed package had just learnt 2026: the year is missing from the database.
        CalendarDay.objects.filter(date__year=2026, court=None).delete()
        CalendarYear.objects.filter(year=2026).delete()
        case = file_at(at(2026, 9, 28), court, clerk)
        assert assign_judge(case).due_date == D(2026, 10, 5)
        assert "year_not_loaded" in codes(assign_judge(case))
        expected = sum(1 for day, _kind, _name in package_days() if day.year == 2026)

        first = io.StringIO()
        with time_machine.travel(at(2026, 9, 29), tick=False):
            call_command("load_holidays", "--from-package", stdout=first)
        assert f"2026: {expected} day(s) added from the package (year marked as loaded)" in first.getvalue()
        assert "1 year(s) added; 2 open deadline(s) recomputed." in first.getvalue()
        assert CalendarDay.objects.filter(date__year=2026, court=None).count() == expected
        assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.PACKAGE
        assert assign_judge(case).due_date == D(2026, 10, 8)
        assert "year_not_loaded" not in codes(assign_judge(case))

        second = io.StringIO()
        call_command("load_holidays", "--from-package", stdout=second)
        assert "Nothing to add" in second.getvalue()
        assert CalendarDay.objects.filter(date__year=2026, court=None).count() == expected

    def test_the_seed_works_with_the_historical_models_a_data_migration_passes(self):
        from django.db import connection
        from django.db.migrations.loader import MigrationLoader

        CalendarDay.objects.filter(date__year=2025, court=None).delete()
        CalendarYear.objects.filter(year=2025).delete()
        historical = MigrationLoader(connection).project_state().apps
        seed = calendar_services.seed_from_package(historical)
        assert seed.years_added == [2025]
        assert {day.year for day in seed.days_added} == {2025}
        assert WorkingCalendar(None).is_rest_day(D(2025, 10, 8))

    def test_from_package_leaves_a_year_loaded_from_a_notice_alone(self, administrator):
        load_year_notice(actor=administrator, year=2026, days=[(D(2026, 10, 1), REST, "国庆节")])
        call_command("load_holidays", "--from-package", stdout=io.StringIO())
        assert CalendarDay.objects.filter(date__year=2026, court=None).count() == 1
        assert CalendarYear.objects.get(year=2026).source == CalendarYear.Source.NOTICE

    def test_from_package_with_a_user_who_is_not_an_administrator_is_refused(self, clerk):
        with pytest.raises(CommandError):
            call_command("load_holidays", "--from-package", "--user", "clerk")

    def test_a_notice_file_is_loaded_as_the_named_administrator(self, tmp_path, administrator):
        notice = tmp_path / "notice.txt"
        notice.write_text(NOTICE_2027, encoding="utf-8")
        out = io.StringIO()
        call_command(
            "load_holidays",
            "--year",
            "2027",
            "--file",
            str(notice),
            "--user",
            administrator.username,
            stdout=out,
        )
        assert "2027: loaded from the notice (first load); 9 day(s) added" in out.getvalue()
        year = CalendarYear.objects.get(year=2027)
        assert year.source == CalendarYear.Source.NOTICE and year.loaded_by == administrator
        assert WorkingCalendar(None).is_rest_day(D(2027, 2, 3))

    def test_a_notice_can_come_from_standard_input(self, administrator):
        call_command(
            "load_holidays",
            "--year=2027",
            "--file=-",
            f"--user={administrator.username}",
            stdin=io.StringIO(NOTICE_2027),
            stdout=io.StringIO(),
        )
        assert CalendarDay.objects.filter(date__year=2027, court=None).count() == 9

    def test_a_notice_needs_an_administrator_and_a_correct_text(self, tmp_path, administrator, clerk):
        notice = tmp_path / "notice.txt"
        notice.write_text("2027-01-01 rest 元旦\n2027-13-01 rest x\n", encoding="utf-8")
        with pytest.raises(CommandError, match="--user is required"):
            call_command("load_holidays", "--year", "2027", "--file", str(notice))
        with pytest.raises(CommandError):
            call_command("load_holidays", "--year", "2027", "--file", str(notice), "--user", "clerk")
        with translation.override("en"), pytest.raises(CommandError, match="Line 2"):
            call_command(
                "load_holidays", "--year", "2027", "--file", str(notice), "--user", administrator.username
            )
        assert not CalendarYear.objects.filter(year=2027).exists()
