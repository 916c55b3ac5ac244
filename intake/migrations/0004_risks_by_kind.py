"""Risks of the first interview by kind (issue 12, point 5): triage reads kinds, never the clerk's text.

Each interview's old risks box becomes rows of ``InterviewRisk``, decided by ``risks_from_text``:

1. A text that says "none" is no kind at all: empty, 无, 没有, 暂无, 无风险, 暂无风险, 没有风险, 未发现,
   未发现风险, none, no, n/a, nil (case, surrounding spaces and punctuation ignored).
2. Otherwise each kind whose keyword occurs, and is not negated, is recorded (a text may give several):
   - obstruction: 阻挠, 暴力, 抗拒, 抗法, 威胁, 妨碍;
   - whereabouts unknown: 下落不明, 去向不明, 失联, 找不到, 联系不上;
   - moving property away: 转移财产, 转移资产, 转移名下, 隐匿财产, 藏匿财产;
   - refuses to pay: 拒不, 不愿, 拒绝;
   - many creditors: 多个债权人, 多名债权人, 其他债权人, 多起执行, 多个执行案件.
   A keyword is negated when 无, 没有, 不存在, 未发现, 未见, 并无, 暂无 or 否认 stands within the six
   characters before it in the same clause (clauses end at ，。；、,.;!?！？ and line breaks): "无暴力倾向"
   is no obstruction.
3. Anything else, including a text whose keywords are all negated, is the kind "other" with the original
   text as its description: a person reads it, rather than a rule guessing what it means.

Where a kind came from a keyword, the original wording is not lost: the old column is renamed
``legacy_risks_text`` (and so is its column in the history table, so every earlier version still shows
what was written). Nothing reads it to decide anything. Each converted risk gets a history row that says
it was converted. Reversing puts a text back only where none was kept (records made after this
migration), built from the kinds.
"""

import re

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

OTHER = "other"
KINDS = ["refuses", "whereabouts_unknown", "obstruction", "moving_property", "many_creditors", OTHER]

# Frozen here, as this migration decides: the app's own list (intake.services) may grow later.
NO_RISK_TEXTS = frozenset(
    {
        "",
        "无",
        "没有",
        "暂无",
        "无风险",
        "暂无风险",
        "没有风险",
        "未发现",
        "未发现风险",
        "none",
        "no",
        "n/a",
        "nil",
    }
)
KEYWORDS = (
    ("obstruction", ("阻挠", "暴力", "抗拒", "抗法", "威胁", "妨碍")),
    ("whereabouts_unknown", ("下落不明", "去向不明", "失联", "找不到", "联系不上")),
    ("moving_property", ("转移财产", "转移资产", "转移名下", "隐匿财产", "藏匿财产")),
    ("refuses", ("拒不", "不愿", "拒绝")),
    ("many_creditors", ("多个债权人", "多名债权人", "其他债权人", "多起执行", "多个执行案件")),
)
NEGATIONS = ("无", "没有", "不存在", "未发现", "未见", "并无", "暂无", "否认")
NEGATION_REACH = 6
CLAUSE_END = re.compile(r"[，。；、,.;!?！？\n]")
PUNCTUATION = "。.，,；;！!？?、/\\-—_ \u3000\t\r\n"

# For the way back: the kinds in words, as the old box would have said them.
KIND_WORDS = {
    "refuses": "拒不履行",
    "whereabouts_unknown": "下落不明",
    "obstruction": "阻挠或暴力抗拒执行",
    "moving_property": "转移财产",
    "many_creditors": "有多个债权人",
}


def says_none(text: str) -> bool:
    return text.strip().strip(PUNCTUATION).lower() in NO_RISK_TEXTS


def _negated(text: str, at: int) -> bool:
    clause = CLAUSE_END.split(text[:at])[-1]
    return any(word in clause[-NEGATION_REACH:] for word in NEGATIONS)


def _occurs(text: str, keyword: str) -> bool:
    """The keyword occurs at least once without a negation before it."""
    return any(not _negated(text, m.start()) for m in re.finditer(re.escape(keyword), text))


def risks_from_text(text: str) -> list[tuple[str, str]]:
    """The (kind, description) pairs for one old risks text; the description only for "other"."""
    if says_none(text):
        return []
    kinds = [kind for kind, keywords in KEYWORDS if any(_occurs(text, k) for k in keywords)]
    if kinds:
        return [(kind, "") for kind in sorted(kinds, key=KINDS.index)]
    return [(OTHER, text.strip())]


def forwards(apps, schema_editor):
    FirstInterview = apps.get_model("intake", "FirstInterview")
    InterviewRisk = apps.get_model("intake", "InterviewRisk")
    HistoricalInterviewRisk = apps.get_model("intake", "HistoricalInterviewRisk")
    now = timezone.now()
    for interview in FirstInterview.objects.exclude(legacy_risks_text="").iterator():
        # bulk_create sends no signals, so the history rows are exactly the ones written below, whether
        # this runs as a migration or on the app's own models.
        risks = InterviewRisk.objects.bulk_create(
            InterviewRisk(interview_id=interview.pk, kind=kind, detail=detail)
            for kind, detail in risks_from_text(interview.legacy_risks_text)
        )
        HistoricalInterviewRisk.objects.bulk_create(
            HistoricalInterviewRisk(
                id=risk.pk,
                interview_id=interview.pk,
                kind=risk.kind,
                detail=risk.detail,
                history_date=now,
                history_type="+",
                history_change_reason="converted from the risks text (intake 0004)",
            )
            for risk in risks
        )


def backwards(apps, schema_editor):
    FirstInterview = apps.get_model("intake", "FirstInterview")
    for interview in FirstInterview.objects.filter(legacy_risks_text="", risks__isnull=False).distinct():
        words = [r.detail if r.kind == OTHER else KIND_WORDS[r.kind] for r in interview.risks.order_by("id")]
        interview.legacy_risks_text = "；".join(words)
        interview.save(update_fields=["legacy_risks_text"])


LEGACY_FIELD = models.TextField(
    blank=True, editable=False, verbose_name="risks as written before they were recorded by kind"
)
KIND_CHOICES = [
    ("refuses", "Refuses to pay"),
    ("whereabouts_unknown", "Whereabouts unknown"),
    ("obstruction", "Obstruction or violence"),
    ("moving_property", "Moving property away"),
    ("many_creditors", "Many creditors"),
    ("other", "Other"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0003_public_progress"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="firstinterview", old_name="risks", new_name="legacy_risks_text"),
        migrations.RenameField(
            model_name="historicalfirstinterview", old_name="risks", new_name="legacy_risks_text"
        ),
        migrations.AlterField(model_name="firstinterview", name="legacy_risks_text", field=LEGACY_FIELD),
        migrations.AlterField(
            model_name="historicalfirstinterview", name="legacy_risks_text", field=LEGACY_FIELD
        ),
        migrations.CreateModel(
            name="HistoricalInterviewRisk",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("kind", models.CharField(choices=KIND_CHOICES, max_length=20, verbose_name="kind of risk")),
                ("detail", models.TextField(blank=True, verbose_name="description of the other risk")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "interview",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="intake.firstinterview",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical risk noted at the first interview",
                "verbose_name_plural": "historical risks noted at the first interview",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="InterviewRisk",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("kind", models.CharField(choices=KIND_CHOICES, max_length=20, verbose_name="kind of risk")),
                ("detail", models.TextField(blank=True, verbose_name="description of the other risk")),
                (
                    "interview",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="risks",
                        to="intake.firstinterview",
                    ),
                ),
            ],
            options={
                "verbose_name": "risk noted at the first interview",
                "verbose_name_plural": "risks noted at the first interview",
                "ordering": ["id"],
                "indexes": [models.Index(fields=["kind"], name="interview_risk_kind")],
                "constraints": [
                    models.UniqueConstraint(fields=("interview", "kind"), name="one_interview_risk_per_kind"),
                    models.CheckConstraint(
                        condition=models.Q(("kind__in", KINDS)), name="interview_risk_kind_known"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("kind", "other"), models.Q(("detail", ""), _negated=True)),
                            models.Q(models.Q(("kind", "other"), _negated=True), ("detail", "")),
                            _connector="OR",
                        ),
                        name="interview_risk_text_only_for_other",
                    ),
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
