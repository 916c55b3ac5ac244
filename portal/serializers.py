"""The portal's API shapes: the progress query and what a party sees, appointments, messages, leads."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.api.fields import MoneyField
from enforcement.api.serializers import StrictSerializer
from enforcement.models import PropertyKind

from . import appointments, leads, party_messages
from .proof import TOKEN_HEADER

# --- The progress query and what a party sees -------------------------------------------------------------


STAGE_CODES = [
    ("filed", "filed; the responsible judge is being chosen"),
    ("enforcing", "a judge is responsible; enforcement under way"),
    ("paying_out", "money received is being paid out"),
    ("closed", "closed"),
]


MONEY_KINDS = [("received", "received"), ("paid", "paid out"), ("pending", "being paid out")]


class ProgressQueryInput(StrictSerializer):
    number = serializers.CharField(max_length=60, help_text="The case number, e.g. （2026）蒙0302执123号.")
    id_number = serializers.CharField(max_length=50, help_text="The identity number of a party of the case.")
    query_code = serializers.CharField(max_length=20, help_text="The query code on the acceptance notice.")


class PublicPartyOutput(serializers.Serializer):
    role = serializers.CharField(help_text="applicant, respondent or third_party")
    role_label = serializers.CharField()
    name = serializers.CharField(help_text="In full for the party asking; natural persons masked (张某).")
    is_you = serializers.BooleanField()


class PublicEventOutput(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="label")
    date = serializers.DateField(source="on")
    detail = serializers.CharField(
        help_text="What happened, in the language asked for; then, on a new line, any words of the court's "
        "staff, with phone, identity and account numbers blanked."
    )


class NextStepOutput(serializers.Serializer):
    name = serializers.CharField()
    due_date = serializers.DateField(help_text="The last day.")
    paused = serializers.BooleanField(help_text="A deducted period runs: the clock stands still.")


class PoolSearchOutput(serializers.Serializer):
    due_date = serializers.DateField(
        help_text="The court searches the respondent's property again by this day."
    )
    round = serializers.IntegerField(help_text="Which re-search after the 终本 closure (1 is the first).")
    rounds = serializers.IntegerField(help_text="How many re-searches the court makes in all.")


class MoneyLineOutput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MONEY_KINDS)
    kind_label = serializers.CharField(source="label")
    date = serializers.DateField(source="on")
    amount = MoneyField(read_only=True)


class MoneyTotalsOutput(serializers.Serializer):
    received = MoneyField(read_only=True)
    paid = MoneyField(read_only=True)
    pending = MoneyField(read_only=True)


class MoneyOutput(serializers.Serializer):
    totals = MoneyTotalsOutput(source="money_totals")
    lines = MoneyLineOutput(many=True, source="money_lines")


class ProgressOutput(serializers.Serializer):
    number = serializers.CharField()
    court = serializers.CharField()
    stage_code = serializers.ChoiceField(choices=STAGE_CODES)
    stage = serializers.CharField(help_text="The stage in plain words, in the language asked for.")
    closure_explained = serializers.CharField(
        help_text="A closed case: what its closure means for the parties, in plain words; empty while open."
    )
    filed_on = serializers.DateField()
    you = PublicPartyOutput()
    parties = PublicPartyOutput(many=True)
    events = PublicEventOutput(many=True, help_text="Public timeline events, newest first.")
    next_step = NextStepOutput(allow_null=True)
    pool_search = PoolSearchOutput(
        allow_null=True, help_text="After a 终本 closure: the next re-search of the respondent's property."
    )
    team = serializers.CharField(help_text="Empty until a team is assigned.")
    service_phone = serializers.CharField()
    judge = serializers.CharField(help_text="Empty until a judge is assigned.")
    money = MoneyOutput(source="*")


class ProgressWithTokenOutput(ProgressOutput):
    token = serializers.CharField(help_text=f"Send it as {TOKEN_HEADER} to GET /api/v1/progress/case/.")
    token_expires_in = serializers.IntegerField(help_text="Seconds the token stays valid.")


# --- Appointments and messages ---------------------------------------------------------------------------


APPOINTMENT_STATUSES = [
    ("booked", "booked, still to come"),
    ("past", "its time has passed"),
    ("cancelled", "cancelled by the party"),
    ("withdrawn", "cancelled by the court (the reason is in the messages)"),
]


class FreeSlotOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()


class FreeSlotsOutput(serializers.Serializer):
    judge = serializers.CharField(
        help_text="The responsible judge as parties see him; empty until one is assigned."
    )
    slots = FreeSlotOutput(many=True, help_text="Free times in the next 60 days, soonest first.")


class BookInput(StrictSerializer):
    slot = serializers.IntegerField(min_value=1, help_text="The id of a free slot.")
    topic = serializers.CharField(
        max_length=appointments.TOPIC_MAX, required=False, allow_blank=True, default="", help_text="Optional."
    )


class AppointmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    judge = serializers.CharField()
    topic = serializers.CharField()
    booked_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    status = serializers.ChoiceField(choices=APPOINTMENT_STATUSES)
    can_cancel = serializers.BooleanField()


class MessageInput(StrictSerializer):
    body = serializers.CharField(max_length=party_messages.MESSAGE_MAX)


class MessageOutput(serializers.Serializer):
    id = serializers.IntegerField()
    from_party = serializers.BooleanField(help_text="true: written by you; false: the court's answer.")
    author = serializers.CharField(help_text="For the court's answers: the role and real name; else empty.")
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True, help_text="When the other side read it.")


class SlotInput(StrictSerializer):
    court = serializers.IntegerField(required=False, help_text="Needed only if you belong to several courts.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=5, max_value=480, help_text="Split into slots this long."
    )
    place = serializers.CharField(max_length=100)


class SlotOutput(serializers.Serializer):
    id = serializers.IntegerField(source="slot.pk")
    court = serializers.CharField(source="slot.court.code")
    starts_at = serializers.DateTimeField(source="slot.starts_at")
    ends_at = serializers.DateTimeField(source="slot.ends_at")
    place = serializers.CharField(source="slot.place")
    booked = serializers.BooleanField()
    case = serializers.CharField(allow_null=True, help_text="The booking's case number, if booked.")
    party = serializers.CharField(allow_null=True, help_text="The booking party's name, if booked.")
    topic = serializers.CharField(allow_null=True)


class WithdrawInput(StrictSerializer):
    note = serializers.CharField(
        max_length=appointments.NOTE_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the slot is booked: the party is told why.",
    )


# --- Leads reported online --------------------------------------------------------------------------------


KINDS = ", ".join(PropertyKind.values)


@extend_schema_field({"type": "string", "description": f"The kind of property: one of {KINDS}."})
class KindOutputField(serializers.CharField):
    """Documented without a second enum: an enum named ``kind`` used in two components makes
    drf-spectacular guess a name (other schemas have enums named ``Kind`` too)."""


class LeadInput(StrictSerializer):
    """A property lead: the kind, what the party knows, whether it is urgent, and up to three files."""

    kind = serializers.ChoiceField(choices=PropertyKind.choices)
    detail = serializers.CharField(max_length=leads.MAX_DETAIL)
    urgent = serializers.BooleanField(required=False, default=False)
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        default=list,
        max_length=leads.MAX_FILES,
        help_text="At most 3 files, each at most 5 MB: JPEG, PNG or PDF (checked by content).",
    )


class AttachmentOutput(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class LeadOutput(serializers.Serializer):
    """One of the party's leads as he sees it: no verification details, no download links."""

    id = serializers.IntegerField(source="lead.pk")
    kind = KindOutputField(source="lead.kind")
    kind_label = serializers.CharField(source="lead.get_kind_display")
    detail = serializers.CharField(source="lead.detail")
    urgent = serializers.BooleanField(source="lead.urgent")
    submitted_at = serializers.DateTimeField(source="lead.submitted_at")
    status = serializers.ChoiceField(
        choices=[("received", "received"), ("verified", "verified")],
        help_text="received: the court has it; verified: the judge has verified the party's leads.",
    )
    attachments = AttachmentOutput(many=True)


# --- The lobby's terminal feed (portal.api.lobby) ---------------------------------------------------------


class LobbyCourtOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    service_phone = serializers.CharField(help_text="The enforcement service center's phone; may be empty.")
    opening_hours = serializers.CharField(help_text="As the court wrote them; may be empty.")


class LobbyCaseOutput(serializers.Serializer):
    number = serializers.CharField()
    applicants = serializers.CharField(help_text="Masked as courts publish names: 张三 → 张某.")
    respondents = serializers.CharField(help_text="Masked as courts publish names: 张三 → 张某.")
    judge = serializers.CharField(help_text="The responsible judge's name; empty while there is none.")
    stage_code = serializers.CharField(help_text="filed, enforcing or paying_out, as in the progress query.")
    stage = serializers.CharField(help_text="The stage in plain words, in the language asked for.")
    active_on = serializers.DateField(help_text="The day of the latest public step (or the filing).")


class LobbyAppointmentOutput(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    place = serializers.CharField()
    judge = serializers.CharField()
    case_number = serializers.CharField()
    party = serializers.CharField(help_text="The booking party's masked name.")


class LobbyBoardOutput(serializers.Serializer):
    court = LobbyCourtOutput()
    generated_at = serializers.DateTimeField()
    case_limit = serializers.IntegerField(help_text="At most this many cases, the most recently active.")
    cases = LobbyCaseOutput(many=True)
    appointments = LobbyAppointmentOutput(many=True, help_text="Today's, in the court's time zone.")


class LobbyGuideOutput(serializers.Serializer):
    title = serializers.CharField()
    body = serializers.CharField()


class LobbyFormOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    download_url = serializers.URLField(help_text="The form as a PDF (public, no account).")


class LobbyGuideListOutput(serializers.Serializer):
    court = LobbyCourtOutput()
    guides = LobbyGuideOutput(many=True)
    forms = LobbyFormOutput(many=True)
