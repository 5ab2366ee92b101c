"""The English catalogue: the source strings are Chinese, English comes from locale/en.

The compiled django.mo is committed next to django.po (users need not have GNU gettext), so these
tests fail when the .po was changed without recompiling, or left with untranslated or fuzzy entries.
"""

import gettext as gnu_gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from guanjia.core.choices import Role

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[a-z]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}

RECOMPILE = "cd guanjia && ../.venv/bin/guanjia compilemessages -l en"


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text)


def _po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: {"flags", "msgctxt", "msgid", "msgid_plural", "msgstr" | "msgstr[i]"}.

    Obsolete entries (#~) are skipped; the header (msgid "") is kept.
    """
    entries: list[dict] = []
    entry: dict = {"flags": set()}
    field = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                entries.append(entry)
                entry = {"flags": set()}
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
        if keyword:
            field = keyword.group(1)
            if field in ("msgctxt", "msgid") and "msgid" in entry:
                entries.append(entry)
                entry = {"flags": set()}
            entry[field] = _unescape(keyword.group(2))
            continue
        continuation = re.match(r'^"(.*)"$', line)
        assert continuation and field, f"{path.name}: cannot parse {line!r}"
        entry[field] += _unescape(continuation.group(1))
    if "msgid" in entry:
        entries.append(entry)
    return entries


def _key(entry: dict) -> str:
    return f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]


def _translations(entry: dict) -> list[str]:
    return [value for field, value in sorted(entry.items()) if field.startswith("msgstr")]


@pytest.fixture(scope="module")
def entries():
    return [e for e in _po_entries(PO) if e["msgid"]]


# --- the catalogue files ------------------------------------------------------------------------------


def test_every_entry_is_translated_and_not_fuzzy(entries):
    assert len(entries) > 500
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    empty = [e["msgid"] for e in entries if not all(_translations(e))]
    assert not fuzzy, f"fuzzy entries in {PO.name} (check the translation, then drop the flag): {fuzzy[:10]}"
    assert not empty, f"untranslated entries in {PO.name}: {empty[:10]}"


def test_translations_keep_the_placeholders(entries):
    wrong = []
    for e in entries:
        expected = sorted(set(PLACEHOLDER.findall(e["msgid"] + e.get("msgid_plural", ""))))
        wrong += [
            (e["msgid"], t) for t in _translations(e) if sorted(set(PLACEHOLDER.findall(t))) != expected
        ]
    assert not wrong, wrong[:10]


def test_compiled_mo_matches_the_po(entries):
    """Forgetting to recompile after editing the .po fails here."""
    with MO.open("rb") as handle:
        catalog = gnu_gettext.GNUTranslations(handle)._catalog
    compiled: dict[str, list[str]] = {}
    for key, value in catalog.items():
        if key == "":  # the header
            continue
        if isinstance(key, tuple):  # a plural entry: (msgid, index)
            compiled.setdefault(key[0], []).append((key[1], value))
        else:
            compiled[key] = value
    compiled = {k: [t for _i, t in sorted(v)] if isinstance(v, list) else v for k, v in compiled.items()}
    expected = {
        _key(e): [e[f"msgstr[{i}]"] for i in range(len(_translations(e)))]
        if "msgid_plural" in e
        else e["msgstr"]
        for e in entries
        if "fuzzy" not in e["flags"] and all(_translations(e))
    }
    missing = sorted(set(expected) - set(compiled))
    stale = sorted(set(compiled) - set(expected))
    changed = sorted(k for k in set(expected) & set(compiled) if expected[k] != compiled[k])
    assert not (missing or stale or changed), (
        f"{MO.name} is out of date with {PO.name}; run `{RECOMPILE}` and commit the .mo. "
        f"Missing: {missing[:5]}; stale: {stale[:5]}; changed: {changed[:5]}"
    )


# --- translations at run time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "english"),
    [
        ("我的工作台", "My desk"),
        ("企业库", "Enterprises"),
        ("诉求", "Requests"),
        ("企业管家", "Enterprise butler"),
        ("项目管家", "Project butler"),
        ("联系领导", "Contact leader"),
        ("统一社会信用代码", "Unified social credit code"),
        ("规上", "Above designated size"),
        ("退单", "Return"),
        ("满意", "Satisfied"),
    ],
)
def test_known_strings_translate(source, english):
    with translation.override("en"):
        assert translation.gettext(source) == english
    with translation.override("zh-hans"):
        assert translation.gettext(source) == source


def test_role_labels_translate():
    with translation.override("en"):
        labels = {role: str(role.label) for role in Role}
    assert labels[Role.ADMIN] == "Service centre administrator"
    assert labels[Role.BUTLER] == "Butler"
    assert labels[Role.ENTERPRISE] == "Enterprise contact"
    assert all(label.isascii() for label in labels.values()), labels


def test_plural_entries_translate():
    with translation.override("en"):
        one = translation.ngettext("共 %(n)s 家企业", "共 %(n)s 家企业", 1) % {"n": 1}
        many = translation.ngettext("共 %(n)s 家企业", "共 %(n)s 家企业", 3) % {"n": 3}
    assert (one, many) == ("1 enterprise", "3 enterprises")


def test_a_user_who_switches_to_english_sees_english(client, world):
    client.force_login(world.admin)
    assert "我的工作台" in client.get("/").content.decode()

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert "My desk" in page
    assert "我的工作台" not in page

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "我的工作台" in client.get("/").content.decode()


def test_one_chinese_word_with_two_meanings_has_two_english_ones():
    """企业 is the menu of enterprises and the label of one; 恢复 resumes a request and restores an archive."""
    from django.utils.translation import gettext, pgettext

    from guanjia.core.context_processors import NAVIGATION
    from guanjia.enterprises.models import Enterprise
    from guanjia.requests.choices import Action
    from guanjia.requests.models import Request

    with translation.override("en"):
        menu = {name: str(label) for name, label, *_rest in NAVIGATION}
        assert menu["enterprises:list"] == "Enterprises"
        assert str(Request._meta.get_field("enterprise").verbose_name) == "Enterprise"
        assert (str(Enterprise._meta.verbose_name), str(Enterprise._meta.verbose_name_plural)) == (
            "Enterprise", "Enterprises")
        assert str(Action.RESUME.label) == "Resume"
        assert pgettext("archive", "恢复") == "Restore"
        assert gettext("企业") == "Enterprise"


# Translated text: {% translate "…" %} and {% blocktranslate %}…{% endblocktranslate %}.
_TRANSLATED = re.compile(
    r'\{% (?:translate|trans) "[^"]*"[^%]*%\}|\{% blocktrans(?:late)?[^%]*%\}.*?\{% endblocktrans(?:late)? %\}', re.S)


def test_templates_write_no_full_width_colon_outside_a_translation():
    """An English page must not read "Butler：李玲": the separator is `{% translate "：" context "label separator" %}`."""
    root = Path(settings.BASE_DIR)
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = _TRANSLATED.sub("", template.read_text(encoding="utf-8"))
        offenders += [f"{template.relative_to(root)}:{n}" for n, line in enumerate(text.splitlines(), 1) if "：" in line]
    assert not offenders, offenders


def test_english_lists_counts_and_labels_read_as_english():
    """Found in the English UI: "1 working days", options joined with 、, "Resolve" for the resolved count."""
    from django.template import Context, Template
    from django.utils import translation

    from guanjia.core.text import listed
    from guanjia.reports.selectors import FIGURE_LABELS

    template = Template('{% load i18n %}{% blocktranslate count n=days %}{{ n }}个工作日{% plural %}{{ n }}个工作日'
                        '{% endblocktranslate %}')
    with translation.override("en"):
        assert template.render(Context({"days": 1})) == "1 working day"
        assert template.render(Context({"days": 3})) == "3 working days"
        assert listed(["用电", "用地"]) == "用电, 用地"
        assert str(FIGURE_LABELS["resolved"]) == "Resolved"
    with translation.override("zh-hans"):
        assert listed(["用电", "用地"]) == "用电、用地" and str(FIGURE_LABELS["resolved"]) == "办结"
