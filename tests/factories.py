"""factory-boy factories for the suite's data."""

import datetime
import random
from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth.models import Group, User

from enforcement.models import Case, CaseType, Court, CourtMembership, Party
from intake import identity


def resident_id(seed: int) -> str:
    """A valid resident identity number, different for each seed."""
    rng = random.Random(seed)
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(20000))
    first17 = f"150302{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + identity.resident_id_check_char(first17)


def uscc(seed: int) -> str:
    """A valid unified social credit code, different for each seed."""
    rng = random.Random(seed)
    first17 = "9115030" + "".join(rng.choice(identity.USCC_ALPHABET[:10]) for _ in range(10))
    return first17 + identity.uscc_check_char(first17)


class CourtFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Court
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"蒙{n % 100:02d}{n // 100 + 2:02d}")
    name = factory.LazyAttribute(lambda o: f"{o.code}人民法院")
    level = Court.Level.BASIC
    service_phone = "0473-1234567"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("pass-word-123")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def courts(self, create: bool, extracted: list[Court] | None, **kwargs: Any) -> None:
        for court in extracted or []:
            CourtMembership.objects.get_or_create(user=self, court=court)


class CaseFactory(factory.django.DjangoModelFactory):
    """A case written directly, for tests of reads; filing itself is tested through the service."""

    class Meta:
        model = Case

    court = factory.SubFactory(CourtFactory)
    case_type = factory.LazyFunction(lambda: CaseType.objects.get(code="执"))
    year = 2026
    seq = factory.Sequence(lambda n: 10000 + n)
    number = factory.LazyAttribute(lambda o: f"（{o.year}）{o.court.code}执{o.seq}号")
    received_on = datetime.date(2026, 11, 20)
    title_court_name = "乌海市海勃湾区人民法院"
    title_case_number = factory.Sequence(lambda n: f"（2026）蒙0302民初{n + 1}号")
    title_case_number_key = factory.LazyAttribute(lambda o: o.title_case_number)
    title_effective_date = datetime.date(2026, 9, 1)
    claim_kind = Case.ClaimKind.MONEY
    claim_amount = Decimal("12500.00")


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    role = Party.Role.APPLICANT
    kind = Party.Kind.PERSON
    name = factory.Sequence(lambda n: f"当事人{n}")
    id_type = Party.IdType.RESIDENT_ID
    id_number = factory.Sequence(resident_id)
    phone = "13800138000"


class CourtAccountFactory(factory.django.DjangoModelFactory):
    """The court's enforcement account; sub-account prefix from the court code's digits."""

    class Meta:
        model = "payments.CourtAccount"
        django_get_or_create = ("court",)

    court = factory.SubFactory(CourtFactory)
    bank_name = "中国工商银行乌海分行"
    account_name = factory.LazyAttribute(lambda o: f"{o.court.name}执行款专户")
    account_number = "0603020109300012345"
    sub_account_prefix = factory.LazyAttribute(
        lambda o: "".join(ch for ch in o.court.code if ch.isdigit())[-4:]
    )
    # Opened long before any booking time the tests use: money booked before it is refused.
    opened_on = datetime.date(2020, 1, 1)


class FirstInterviewFactory(factory.django.DjangoModelFactory):
    """A first-interview record written directly (recording one is tested through the service)."""

    class Meta:
        model = "intake.FirstInterview"

    case = factory.SubFactory(CaseFactory)
    interviewer = factory.SubFactory(UserFactory)
    willingness = "unknown"


class InterviewRiskFactory(factory.django.DjangoModelFactory):
    """A risk of the first interview by kind; only "other" has a description."""

    class Meta:
        model = "intake.InterviewRisk"

    interview = factory.SubFactory(FirstInterviewFactory)
    kind = "obstruction"
    detail = factory.LazyAttribute(lambda o: "被执行人年迈多病，行动不便" if o.kind == "other" else "")


def api_token(user: Any) -> str:
    """A fresh API token of ``user`` (django-rest-knox), for ``Authorization: Token <token>``."""
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=user)
    return token


def allow_terminate_round() -> None:
    """Let a case close as 终本 with only the wait after filing to meet.

    Stand-in until every 终本 condition has its check (the merger replaces it with data that meets each
    one): the requirement rows other than ``time_since_filing`` are switched off, so tests of what comes
    after a 终本 closure (the pool, resumption) can close a case 3 months after filing.
    """
    from enforcement.models import ClosureRequirement

    ClosureRequirement.objects.filter(closure="terminated_this_round").exclude(
        kind="time_since_filing"
    ).update(is_active=False)
