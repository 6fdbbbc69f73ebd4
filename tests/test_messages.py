"""The messages of `check`, `build` and the staff commands in Bahasa Indonesia.

Every message the code writes is a ``Message``: its English template is the key of its translation in
``statusgen/messages/id.yml``. These tests find every template in the code and require an Indonesian
one with the same placeholders, and check the language choice end to end.
"""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

from statusgen import staff
from statusgen.incidents import CAUSES, SEVERITIES
from statusgen.model import Message
from statusgen.problems import MESSAGES, say, translations

from .conftest import ROOT

PACKAGE = ROOT / "statusgen"


def templates_in_code() -> dict[str, str]:
    """Every literal first argument of a ``Message(...)`` call in the package, with where it is."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            named = getattr(node.func, "id", None) or getattr(node.func, "attr", None)  # Message or problems.Message
            if named == "Message" and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, f"{path.name}:{node.lineno}")
                elif isinstance(first, ast.IfExp):  # Message("a" if kept else "b", ...) or (one if n == 1 else other)
                    for branch in (first.body, first.orelse):
                        if isinstance(branch, ast.Constant) and isinstance(branch.value, str):
                            found.setdefault(branch.value, f"{path.name}:{node.lineno}")
                        else:  # names: problems._count passes its two forms, listed below
                            assert isinstance(branch, ast.Name), f"{path.name}:{node.lineno}: a template must be text"
                else:
                    pytest.fail(f"{path.name}:{node.lineno}: a Message template must be literal text")
    # problems._count passes its two forms by name.
    for count in ("{n} error", "{n} errors", "{n} warning", "{n} warnings"):
        found.setdefault(count, "problems.py")
    return found


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_scan_finds_messages() -> None:
    found = templates_in_code()
    assert len(found) > 90
    assert "unknown component '{cid}' (known: {known}).{hint}" in found
    assert "warning: " in found


def test_the_staff_commands_speak_through_messages_too() -> None:
    # Their prompts, menus and answers are Messages like every error, not keys of the page's catalogues.
    found = templates_in_code()
    assert {"Saved: {path}", "Updated: {path}", staff.PUBLISH.template, "Choose a number or word"} <= found.keys()
    assert set(staff.SEVERITY_WORDS) == set(SEVERITIES)
    assert set(staff.CAUSE_WORDS) == set(CAUSES)
    assert say(staff.SEVERITY_WORDS["notice"], translations("id")) == "Pemberitahuan: informasi, tanpa gangguan layanan"


def test_every_message_has_an_indonesian_translation_with_the_same_placeholders() -> None:
    indonesian = translations("id")
    missing = [
        f"{where}: {template!r}" for template, where in templates_in_code().items() if template not in indonesian
    ]
    assert missing == []
    different = [
        f"{template!r}: {sorted(fields(template))} vs {sorted(fields(indonesian[template]))}"
        for template in templates_in_code()
        if fields(template) != fields(indonesian[template])
    ]
    assert different == []


def test_no_translation_is_left_over() -> None:
    assert sorted(set(translations("id")) - set(templates_in_code())) == []


def test_nested_messages_are_translated_all_the_way_down() -> None:
    hint = Message(" Did you mean '{close}'?", close="spse")
    inner = Message("unknown component '{cid}' (known: {known}).{hint}", cid="spes", known="spse, sikap", hint=hint)
    placed = Message("{where}{message}", where=Message("update {n}: ", n=2), message=inner)
    assert placed == "update 2: unknown component 'spes' (known: spse, sikap). Did you mean 'spse'?"
    assert say(placed, translations("id")) == (
        "pembaruan ke-2: layanan 'spes' tidak dikenal (yang ada: spse, sikap). Maksud Anda 'spse'?"
    )
    assert say("plain text stays", translations("id")) == "plain text stays"
    assert translations("en") == {}  # English is the code's own text
    assert (MESSAGES / "id.yml").is_file()


BROKEN = """\
---
title: SPSE mati
components: [spes]
severity: major
started: 2021-09-19 18:33
updates:
  - at: 2021-09-19 18:40
    status: investigated
    message: Sedang diselidiki.
---
"""


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        (
            [],  # status.yml names no languages: the default is [id, en], so Indonesian
            [
                ":3: layanan 'spes' tidak dikenal (yang ada: spse, sikap, internet). Maksud Anda 'spse'?",
                ":8: pembaruan ke-1: status pembaruan gangguan 'investigated' tidak dikenal (yang sah: investigating, "
                "identified, monitoring, resolved). Maksud Anda 'investigating'?",
                "2 kesalahan, 0 peringatan; tidak ada yang ditulis.",
            ],
        ),
        (
            ["--lang", "en"],
            [
                ":3: unknown component 'spes' (known: spse, sikap, internet). Did you mean 'spse'?",
                ":8: update 1: unknown incident update status 'investigated' (valid: investigating, identified, "
                "monitoring, resolved). Did you mean 'investigating'?",
                "2 errors, 0 warnings; nothing was written.",
            ],
        ),
    ],
)
def test_check_speaks_the_sites_language_or_lang(  # type: ignore[no-untyped-def]
    make_site, capsys, flag: list[str], expected: list[str]
) -> None:
    from statusgen.cli import main

    site = make_site()
    site.incident("2021-09-19-spse-mati", BROKEN)
    code = main(["check", "--config", str(site.config), *flag])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    path = str(site.root / "incidents" / "2021-09-19-spse-mati.md")
    assert err == [path + expected[0], path + expected[1], expected[2]]


def test_the_language_follows_the_first_of_languages(make_site, capsys) -> None:  # type: ignore[no-untyped-def]
    from statusgen.cli import main

    site = make_site()
    site.config.write_text("languages: [en, id]\n" + site.config.read_text(encoding="utf-8"), encoding="utf-8")
    site.incident("2021-09-19-spse-mati", BROKEN)
    assert main(["check", "--config", str(site.config)]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "2 errors, 0 warnings; nothing was written."


def test_a_valid_site_is_reported_in_indonesian(make_site, capsys) -> None:  # type: ignore[no-untyped-def]
    from statusgen.cli import main

    site = make_site()
    assert main(["check", "--config", str(site.config)]) == 0
    assert capsys.readouterr().out == f"{site.config}: 3 layanan, 0 gangguan, 0 peringatan: ok\n"


def test_messages_live_next_to_the_code() -> None:
    assert Path(MESSAGES).parent == PACKAGE
