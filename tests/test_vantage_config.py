"""Declaring the places probes run from (``vantages:``, a probe's ``from``, ``targets`` and ``bandwidth``): each
mistake gets its exact ``path:line: message`` through ``generate.py check``, and what a valid status.yml reads as:
the defaults, the places of a component in status.yml's order, and the history folders a build reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from statusgen.build import load_settings
from statusgen.model import HOME, place_folder
from tests.conftest import Run, Site

HEAD = "title: T\nbase_url: https://example.github.io/s/\n"  # lines 1 and 2 of every case

# Each case: (name, status.yml from line 3 on, the expected lines "LINE: message" (warnings say so)).
CASES = [
    (
        "an unknown vantage kind, with the closest one",
        "vantages:\n  - id: jakarta\n    kind: publik\ncomponents:\n  - id: spse\n",
        ["5: vantage 1: unknown vantage kind 'publik' (valid: public, inside). Did you mean 'public'?"],
    ),
    (
        "two vantages with one id",
        "vantages:\n  - id: github\n  - id: github\ncomponents:\n  - id: spse\n",
        ["5: vantage 2: duplicate vantage id 'github' (first on line 4): ids must be unique"],
    ),
    (
        "a vantage id with capitals and a space",
        "vantages:\n  - id: github\n  - id: Kantor Baru\ncomponents:\n  - id: spse\n",
        ["5: vantage 2: vantage id 'Kantor Baru' may only hold a-z, 0-9 and '-': use 'kantor-baru'"],
    ),
    (
        "a vantage without an id",
        "vantages:\n  - name: Kantor\ncomponents:\n  - id: spse\n",
        ["4: vantage 1: missing required key 'id': add a line like 'id: kantor'"],
    ),
    (
        "a vantage that is not a mapping",
        "vantages:\n  - kantor\ncomponents:\n  - id: spse\n",
        ["4: each vantage must be a mapping with at least 'id:' and 'kind:', e.g. '- id: kantor'"],
    ),
    (
        "an empty list of vantages",
        "vantages: []\ncomponents:\n  - id: spse\n",
        ["3: 'vantages' is empty: list at least one place, or remove the key to probe from 'github' alone"],
    ),
    (
        "no public vantage",
        "vantages:\n  - {id: kantor, kind: inside}\ncomponents:\n  - id: spse\n",
        ["3: no vantage is public: the public verdict needs at least one, e.g. '- {id: github, kind: public}'"],
    ),
    (
        "an uplink on a public place",
        "vantages:\n  - id: github\n  - id: jakarta\n    uplink: spse\ncomponents:\n  - id: spse\n",
        ["6: vantage 2: only an inside vantage has an 'uplink': remove it, or write 'kind: inside'"],
    ),
    (
        "an uplink naming an unknown component, with the closest one",
        "vantages:\n  - id: github\n  - {id: kantor, kind: inside, uplink: internt}\n"
        "components:\n  - id: spse\n  - id: internet\n",
        [
            "5: vantage 'kantor': uplink 'internt' is not a component id (known: spse, internet). "
            "Did you mean 'internet'?"
        ],
    ),
    (
        "an uplink that its place does not probe",
        # internet has no 'from': every public place probes it, kantor does not
        "vantages:\n  - id: github\n  - id: kantor\n    kind: inside\n    uplink: internet\n"
        "components:\n  - id: internet\n    probe:\n      targets: [https://a.example/, https://b.example/]\n",
        [
            "7: vantage 'kantor': its uplink 'internet' must be probed from it: give that component 'probe:' "
            "with 'from: [kantor]' and 'targets:'"
        ],
    ),
    (
        "'from' naming an unknown vantage, with the closest one",
        "vantages:\n  - id: github\n  - {id: kantor, kind: inside}\ncomponents:\n  - id: spse\n    probe:\n"
        "      url: https://a.example/\n      from:\n        - github\n        - kantr\n",
        [
            "12: component 1 probe: unknown vantage 'kantr' in 'from' (known: github, kantor): "
            "declare it under 'vantages:'. Did you mean 'kantor'?"
        ],
    ),
    (
        "'from' naming a place of a site that declares none",
        "components:\n  - id: spse\n    probe: {url: 'https://a.example/', from: [github, jakarta]}\n",
        ["5: component 1 probe: unknown vantage 'jakarta' in 'from' (known: github): declare it under 'vantages:'."],
    ),
    (
        "an empty 'from'",
        "components:\n  - id: spse\n    probe:\n      url: https://a.example/\n      from: []\n",
        ["7: component 1 probe: 'from' is empty: name at least one vantage, or remove it for every public one"],
    ),
    (
        "both 'url' and 'targets'",
        "components:\n  - id: spse\n    probe:\n      url: https://a.example/\n"
        "      targets: [https://b.example/, https://c.example/]\n",
        ["7: component 1 probe: write 'url:' or 'targets:', not both: 'targets' lists every address"],
    ),
    (
        "a target that is not a web address",
        "components:\n  - id: spse\n    probe:\n      targets:\n        - https://b.example/\n        - ftp://c\n",
        [
            "8: component 1 probe: target 'ftp://c' is not a web address: it must start with https:// "
            "(or http://) and name a host"
        ],
    ),
    (
        "bandwidth without target_mbps",
        "components:\n  - id: spse\n    probe:\n      url: https://a.example/\n      bandwidth:\n"
        "        url: https://speed.example/f.bin\n",
        # line 8: the bandwidth mapping's first key, where a missing key is said
        ["8: component 1 probe: bandwidth: missing required key 'target_mbps': add a line like 'target_mbps: 40'"],
    ),
    (
        "target_mbps below its bound: said once, not also as missing",
        "components:\n  - id: spse\n    probe:\n      url: https://a.example/\n"
        "      bandwidth: {url: 'https://speed.example/f.bin', target_mbps: 0}\n",
        ["7: component 1 probe: bandwidth: 'target_mbps' must be a number from 0.001 to 100000, not '0'"],
    ),
    (
        "target_mbps above its bound",
        "components:\n  - id: spse\n    probe:\n      url: https://a.example/\n      bandwidth:\n"
        "        url: https://speed.example/f.bin\n        target_mbps: 200000\n",
        ["9: component 1 probe: bandwidth: 'target_mbps' must be a number from 0.001 to 100000, not '200000'"],
    ),
    (
        "a source read over http",
        "vantages:\n  - id: github\n  - id: jakarta\n    source: http://github.com/o/r.git\n"
        "components:\n  - id: spse\n",
        [
            "6: vantage 2: source 'http://github.com/o/r.git' is not a git address: write its https address, "
            "e.g. 'https://github.com/o/r.git'"
        ],
    ),
    (
        "a source that is not a web address",
        "vantages:\n  - id: github\n  - id: jakarta\n    source: git@github.com:o/r.git\ncomponents:\n  - id: spse\n",
        [
            "6: vantage 2: source 'git@github.com:o/r.git' is not a git address: it must start with https:// "
            "(or http://) and name a host"
        ],
    ),
    (
        "an unknown key in a vantage is a warning",
        "vantages:\n  - id: github\n    colour: red\ncomponents:\n  - id: spse\n",
        ["5: warning: vantage 1: unknown key 'colour' is ignored (known: id, name, kind, uplink, source)."],
    ),
    (
        "an unknown key in bandwidth is a warning, with the closest one",
        "components:\n  - id: spse\n    probe:\n      url: https://a.example/\n      bandwidth:\n"
        "        url: https://speed.example/f.bin\n        target_mbps: 40\n        evry: 30\n",
        [
            "10: warning: component 1 probe: bandwidth: unknown key 'evry' is ignored "
            "(known: url, upload_url, target_mbps, every, seconds, megabytes). Did you mean 'every'?"
        ],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_mistake_gets_its_exact_message(
    make_site: Callable[..., Site], cli: Callable[..., Run], case: str, text: str, expected: list[str]
) -> None:
    site = make_site(HEAD + text)
    run = cli("check", "--config", site.config)
    warned = all(": warning: " in f": {line}" for line in expected)
    assert run.code == (0 if warned else 1), run.err
    said = [line for line in run.err.splitlines() if line.startswith(f"{site.config}:")]
    assert said == [f"{site.config}:{line}" for line in expected], run.err


def test_a_warning_in_a_vantage_fails_a_strict_check(make_site: Callable[..., Site], cli: Callable[..., Run]) -> None:
    site = make_site(HEAD + "vantages:\n  - {id: github, colour: red}\ncomponents:\n  - id: spse\n")
    run = cli("check", "--config", site.config, "--strict")
    assert run.code == 1
    assert run.err.splitlines()[-1] == "0 errors, 1 warning; nothing was written."


def test_an_empty_list_of_vantages_is_said_beside_another_mistake(
    make_site: Callable[..., Site], cli: Callable[..., Run]
) -> None:
    site = make_site("base_url: https://example.github.io/s/\nvantages: []\ncomponents:\n  - id: spse\n")
    run = cli("check", "--config", site.config)
    assert run.code == 1
    assert run.err.splitlines() == [
        f"{site.config}:1: missing required key 'title': add a line like 'title: Status Layanan LPSE'",
        f"{site.config}:2: 'vantages' is empty: list at least one place, "
        "or remove the key to probe from 'github' alone",
        "2 errors, 0 warnings; nothing was written.",
    ]


# --- what a valid status.yml reads as ------------------------------------------------------------------------

PLACES = """\
title: T
base_url: https://example.github.io/s/
vantages:
  - {id: kantor, name: {id: Kantor, en: Office}, kind: inside, uplink: internet}
  - {id: jakarta, kind: public, source: 'https://github.com/o/status-place-jakarta.git'}
  - {id: github}
components:
  - id: spse
    probe: {url: 'https://spse.example/', from: [kantor, github, jakarta, github]}
  - id: web
    probe: {url: 'https://web.example/'}
  - id: internet
    probe:
      targets: ['https://a.example/', 'https://b.example/']
      from: [kantor]
      bandwidth: {url: 'https://speed.example/f.bin', target_mbps: 40, every: 30}
  - id: docs
    name: Docs
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "status.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_vantages_there_is_one_public_place_github(tmp_path: Path) -> None:
    config, warnings = load_settings(
        write(tmp_path, HEAD + "components:\n  - id: spse\n    probe: {url: 'https://a.example/'}\n")
    )
    assert warnings == []
    assert config.vantages == (HOME,)
    assert (HOME.id, HOME.kind, HOME.public, HOME.uplink, HOME.source) == ("github", "public", True, None, None)
    (spse,) = config.components
    assert spse.probe is not None and spse.probe.vantages == ("github",)
    assert spse.probe.targets == () and spse.probe.addresses == ("https://a.example/",)
    assert config.places(spse) == (HOME,)
    assert config.history_folders == ("spse",)  # where the history always was


def test_the_places_as_declared(tmp_path: Path) -> None:
    config, warnings = load_settings(write(tmp_path, PLACES))
    assert warnings == []
    assert [(v.id, v.kind, v.public, v.uplink) for v in config.vantages] == [
        ("kantor", "inside", False, "internet"),
        ("jakarta", "public", True, None),
        ("github", "public", True, None),
    ]
    name = config.vantage("kantor").name
    assert (str(name), name.translations) == ("Kantor", {"en": "Office"})
    assert config.vantage("jakarta").source == "https://github.com/o/status-place-jakarta.git"
    assert str(config.vantage("jakarta").name) == "jakarta"  # no name: the id
    spse, web, internet, docs = config.components
    assert spse.probe is not None and web.probe is not None and internet.probe is not None
    assert spse.probe.vantages == ("kantor", "github", "jakarta")  # as written, the repeated one once
    assert [v.id for v in config.places(spse)] == ["kantor", "jakarta", "github"]  # in status.yml's order
    assert web.probe.vantages == ("jakarta", "github")  # no 'from': every public place, in order
    assert internet.probe.targets == ("https://a.example/", "https://b.example/")
    assert internet.probe.url == "https://a.example/"  # the first target
    bandwidth = internet.probe.bandwidth
    assert bandwidth is not None
    assert (bandwidth.url, bandwidth.target_mbps, bandwidth.upload_url) == ("https://speed.example/f.bin", 40.0, None)
    assert (bandwidth.every, bandwidth.seconds, bandwidth.megabytes) == (30 * 60, 10.0, 50)  # every in seconds
    assert config.places(docs) == ()  # not probed
    # Every component's own folder (the home place's, kept even where github no longer probes), then each other
    # place's folder, component by component in status.yml's order.
    assert config.history_folders == (
        "spse",
        "web",
        "internet",
        "docs",
        "spse/@kantor",
        "spse/@jakarta",
        "web/@jakarta",
        "internet/@kantor",
    )


def test_place_folder() -> None:
    assert place_folder("spse", "github") == "spse"
    assert place_folder("spse", "kantor") == "spse/@kantor"
    assert place_folder("internet", "jakarta-2") == "internet/@jakarta-2"


def test_a_site_with_places_passes_a_strict_check(tmp_path: Path, cli: Callable[..., Run]) -> None:
    path = write(tmp_path, PLACES)
    (tmp_path / "incidents").mkdir()
    run = cli("check", "--config", path, "--strict")
    assert (run.code, run.err) == (0, ""), run.err
