"""The Simplified Chinese catalogue: complete, compiled, and used by the pages and the API.

The .po file is read with the small parser below (no polib), so a forgotten ``makemessages`` round,
a fuzzy guess left behind or a forgotten ``compilemessages`` fails here rather than on a clerk's screen.
"""

import ast
import dataclasses
import gettext
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.payloads import application_payload

LC_MESSAGES = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


# --- A tiny .po parser ------------------------------------------------------------------------------------


@dataclasses.dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = dataclasses.field(default_factory=dict)  # plain msgstr is index 0
    flags: set[str] = dataclasses.field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def label(self) -> str:
        where = f"django.po:{self.line}"
        return (
            f"{where} {self.msgctxt!r}|{self.msgid!r}"
            if self.msgctxt is not None
            else f"{where} {self.msgid!r}"
        )


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po text: multi-line strings joined, plurals by index, flags; #~ skipped."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # the field a continuation line ("...") extends

    def finish() -> None:
        nonlocal current, target
        if current is not None and current.msgid is not None:
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue  # obsolete entry, not compiled
        if (
            current is not None
            and current.msgstr
            and (line.startswith("#") or line.startswith("msgctxt") or line.startswith("msgid "))
        ):
            finish()  # a new entry without a blank line before it
        if current is None:
            current = Entry(line=number)
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert target is not None, f"django.po:{number}: a continuation line outside a field"
            _append(current, target, ast.literal_eval(line))
            continue
        match = _KEYWORD.match(line)
        assert match, f"django.po:{number}: cannot parse {line!r}"
        keyword, index, value = match.group(1), match.group(2), ast.literal_eval(match.group(3))
        if keyword == "msgctxt":
            current.msgctxt, target = value, ("msgctxt", 0)
        elif keyword == "msgid":
            current.msgid, target = value, ("msgid", 0)
        elif keyword == "msgid_plural":
            current.msgid_plural, target = value, ("msgid_plural", 0)
        else:
            slot = int(index) if index is not None else 0
            current.msgstr[slot] = value
            target = ("msgstr", slot)
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int], text: str) -> None:
    field, slot = target
    if field == "msgstr":
        entry.msgstr[slot] += text
    else:
        setattr(entry, field, (getattr(entry, field) or "") + text)


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO_FILE.read_text(encoding="utf-8"))


def _messages(entries: list[Entry]) -> list[Entry]:
    return [e for e in entries if not e.is_header]


# --- The parser itself ------------------------------------------------------------------------------------


def test_the_parser_reads_contexts_plurals_continuations_flags_and_skips_obsolete_entries():
    text = "\n".join(
        [
            'msgid ""',
            'msgstr ""',
            '"Language: zh_Hans\\n"',
            "",
            "#: a.py:1",
            "#, fuzzy, python-format",
            'msgid ""',
            '"Hello "',
            '"%(name)s \\"x\\""',
            'msgstr "你好%(name)s"',
            "",
            'msgctxt "ctx"',
            'msgid ", "',
            'msgstr "、"',
            "",
            'msgid "%(counter)s case"',
            'msgid_plural "%(counter)s cases"',
            'msgstr[0] ""',
            '"%(counter)s 件"',
            "",
            '#~ msgid "Gone"',
            '#~ msgstr "已删除"',
        ]
    )
    header, hello, comma, plural = parse_po(text)
    assert header.is_header and header.msgstr[0] == "Language: zh_Hans\n"
    assert hello.msgid == 'Hello %(name)s "x"' and hello.flags == {"fuzzy", "python-format"}
    assert (comma.msgctxt, comma.msgid, comma.msgstr) == ("ctx", ", ", {0: "、"})
    assert plural.msgid_plural == "%(counter)s cases" and plural.msgstr == {0: "%(counter)s 件"}


# --- (a) The catalogue is complete --------------------------------------------------------------------------


def test_the_catalogue_declares_the_language_and_its_single_plural_form(entries):
    headers = [e for e in entries if e.is_header]
    assert len(headers) == 1
    header = headers[0].msgstr[0]
    assert "Language: zh_Hans\n" in header
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header
    assert "charset=UTF-8" in header


def test_every_entry_is_translated_and_none_is_fuzzy(entries):
    messages = _messages(entries)
    assert len(messages) > 300, "the parser found too few entries; is the .po file complete?"
    fuzzy = [e.label for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries left: {fuzzy}"
    untranslated = [e.label for e in messages if not e.msgstr or not all(e.msgstr.values())]
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_plural_entries_have_exactly_the_one_form_chinese_has(entries):
    plurals = [e for e in _messages(entries) if e.msgid_plural is not None]
    assert plurals
    wrong = [e.label for e in plurals if set(e.msgstr) != {0}]
    assert not wrong, f"plural entries without exactly msgstr[0]: {wrong}"


def test_translations_keep_the_placeholders_of_the_english_text(entries):
    wrong = []
    for e in _messages(entries):
        expected = set(PLACEHOLDER.findall(e.msgid or "")) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        for text in e.msgstr.values():
            if set(PLACEHOLDER.findall(text)) != expected:
                wrong.append(e.label)
    assert not wrong, f"placeholders differ from the msgid: {wrong}"


# --- (b) The compiled catalogue matches the .po file --------------------------------------------------------


def test_the_compiled_catalogue_holds_every_translation_of_the_po_file(entries):
    with MO_FILE.open("rb") as fp:
        catalog = gettext.GNUTranslations(fp)._catalog
    stale = []
    for e in _messages(entries):
        msgid = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt is not None else e.msgid
        for slot, text in e.msgstr.items():
            key = (msgid, slot) if e.msgid_plural is not None else msgid
            if catalog.get(key) != text:
                stale.append(e.label)
    assert not stale, f"django.mo is out of date (run compilemessages) for: {stale}"


# --- (c) Pages follow the language the browser asks for -----------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_is_chinese_for_a_chinese_browser_and_english_for_an_english_one(client):
    chinese = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h1>登录</h1>" in chinese and "用户名" in chinese and "执行事务中心" in chinese
    assert "Log in" not in chinese
    assert "<h1>Log in</h1>" in english and "User name" in english and "Enforcement service center" in english
    assert "登录" not in english


@pytest.mark.django_db
def test_a_page_is_chinese_when_the_browser_names_no_language(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>登录</h1>" in html


# --- (d) API errors follow the language too -----------------------------------------------------------------

URL = "/api/v1/cases/"


@pytest.fixture
def api(client, clerk):
    client.force_login(clerk)
    return client


def _post(client, payload, **headers):
    return client.post(URL, json.dumps(payload), content_type="application/json", **headers)


def test_an_amount_with_three_decimals_is_refused_in_chinese_by_default_and_in_english_on_request(api):
    payload = application_payload()
    payload["claim"]["amount"] = "10.005"

    chinese = _post(api, payload)
    english = _post(api, payload, HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code == 400
    assert chinese.json()["errors"]["claim"]["amount"] == ["金额最多保留两位小数。"]
    assert chinese.json()["message"] == "请求有误，请查看各字段的错误提示。"
    assert english.json()["errors"]["claim"]["amount"] == ["An amount has at most two decimal places."]
    assert english.json()["message"] == "The request has errors; see the messages for each field."


def test_an_identity_number_error_is_chinese_by_default(api):
    payload = application_payload()
    payload["applicants"][0]["id_number"] = "12345"

    body = _post(api, payload).json()

    assert body["errors"]["applicants"]["0"]["id_number"] == ["居民身份证号码应为18位（旧版为15位）。"]


def test_the_body_size_limit_answers_in_the_language_asked_for(api, settings):
    settings.API_MAX_BODY_BYTES = 1024
    payload = application_payload()
    payload["claim"]["description"] = "x" * 2048

    chinese = _post(api, payload, HTTP_ACCEPT_LANGUAGE="zh-hans")
    english = _post(api, payload, HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == english.status_code == 413
    assert chinese.json()["message"] == "请求内容过大（最多 1 KiB）。"
    assert english.json()["message"] == "The request body is too large (at most 1 KiB)."


def test_an_unknown_api_url_answers_in_chinese_by_default(api):
    assert api.get("/api/v1/nothing-here/").json()["message"] == "未找到。"
