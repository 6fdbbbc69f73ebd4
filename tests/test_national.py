"""A national site: 600 synthetic LPSEs from a CSV file in 34 provinces, built, and what its pages, feeds, API
and badges hold. The home page stays readable (problems first, a province to a line); every list a feed or the
API publishes is bounded; every instance still has its own page, feed, badge and JSON."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest

from statusgen.feed import MAX_ITEMS
from statusgen.views import PROBLEMS_SHOWN
from tests.conftest import ROOT, Run

pytestmark = pytest.mark.slow  # 601 components, each with its pages in two languages: a few seconds

INSTANCES = 600
PROVINCES = 34
INCIDENTS = 60
NOW = "2026-12-05T09:00+08:00"
SAMPLE = "2026-12-05T00:58:00Z"  # 08:58 WITA: two minutes before NOW, fresh

CONFIG = """\
title: {id: Status LPSE Uji se-Nusantara, en: Test LPSEs nationwide}
base_url: https://example.github.io/nasional/
timezone: Asia/Makassar
languages: [id, en]
components:
  - id: inaproc
    name: INAPROC
    group: {id: Layanan pusat, en: Central services}
instances:
  file: lpse.csv
  group: {id: "LPSE di {province}", en: "LPSEs in {province}"}
"""


def code(n: int) -> str:
    return f"lpse{n}kab"


def kind(n: int) -> str:
    """Instance n's newest sample: every tenth is down (503), the fifth of every ten was never probed (no
    data), the rest are up. So 60 down, 60 without data, 480 up."""
    return {0: "down", 5: "none"}.get(n % 10, "up")


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The national site's sources and its build (in-process, as `generate.py build`); returns the site."""
    from statusgen.cli import main

    root = tmp_path_factory.mktemp("national")
    (root / "status.yml").write_text(CONFIG, encoding="utf-8")
    rows = "".join(f"{code(n)},LPSE Kabupaten Uji {n:03d},Provinsi {n % PROVINCES:02d}\n" for n in range(INSTANCES))
    (root / "lpse.csv").write_text("code,name,province\n" + rows, encoding="utf-8")
    header = "time,status,http_status,latency_ms,error,cert_days\n"
    for n in range(INSTANCES):
        if kind(n) == "none":
            continue
        folder = root / "history" / code(n)
        folder.mkdir(parents=True)
        line = f"{SAMPLE},down,503,40,status,\n" if kind(n) == "down" else f"{SAMPLE},up,200,120,,\n"
        (folder / "2026-12.csv").write_text(header + line, encoding="utf-8")
    incidents = root / "incidents"
    incidents.mkdir()
    for k in range(INCIDENTS):  # resolved, each on an instance that is up now: the feeds list them, no status
        day, n = k % 28 + 1, 10 * k + 1
        (incidents / f"2026-11-{day:02d}-uji-{k:02d}.md").write_text(
            f"---\ntitle: Gangguan uji {k:02d}\ncomponents: [{code(n)}]\nseverity: major\n"
            f"started: 2026-11-{day:02d} 08:{k:02d}\nresolved: 2026-11-{day:02d} 09:{k:02d}\n---\nUji.\n",
            encoding="utf-8",
        )
    assert main(["build", "--config", str(root / "status.yml"), "--out", str(root / "site"), "--now", NOW]) == 0
    return root / "site"


def text(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_home_page_counts_every_status_and_lists_the_problems_first(national: Path) -> None:
    index = text(national, "index.html")
    # 601 components: inaproc (no probe, no incident now: operational), 480 up, 60 down, 60 never probed.
    banner = words(index.split('class="banner-counts">')[1].split("</p>")[0])
    assert " ".join(banner.split()) == "601 layanan: Gangguan total 60 · Tidak ada data terbaru 60 · Normal 481"
    problems = index.split('class="group problems"')[1].split("</section>")[0]
    listed = re.findall(r'data-component="([^"]+)"', problems)
    assert len(listed) == PROBLEMS_SHOWN == 50  # of the 60 down; "no data" is not a problem to list
    assert all(kind(int(cid.removeprefix("lpse").removesuffix("kab"))) == "down" for cid in listed)
    assert "Menampilkan 50 dari 60 layanan yang bermasalah" in words(problems)
    # No page lists 600 rows of bars: the home page's only rows are the 50 problems.
    assert len(re.findall(r'<li class="component ', index)) == 50
    assert len(gzip.compress(index.encode(), 9)) <= 40 * 1024


def test_each_province_is_one_line_with_its_counts_and_a_page_of_its_own(national: Path) -> None:
    index = text(national, "index.html")
    folded = re.findall(r'<section class="group folded[^"]*".*?</section>', index, re.S)
    assert len(folded) == PROVINCES + 1  # and the central services' group: every named group folds
    # Provinsi 00 holds n = 0, 34, ..., 578: 18 instances. Down: n a multiple of 34 and of 10, so of 170
    # (0, 170, 340, 510): 4. Never probed: 34m ends in 5, impossible (34m is even): 0. Up: 14.
    first = next(s for s in folded if "LPSE di Provinsi 00" in s)
    assert 'href="/nasional/groups/lpse-di-provinsi-00/"' in first
    counts = " ".join(words(first.split('class="group-counts">')[1]).split())
    assert counts == "18 layanan: Gangguan total 4 · Normal 14"
    # Provinsi 01 holds n = 34m + 1, m = 0..17: 18. Down: 34m + 1 ends in 0, impossible. Never probed: 34m + 1
    # ends in 5 when 4m ends in 4, m = 1, 6, 11, 16: 4. Up: 14.
    second = next(s for s in folded if "LPSE di Provinsi 01" in s)
    assert "Tidak ada data terbaru 4 · Normal 14" in words(second)
    page = text(national, "groups/lpse-di-provinsi-00/index.html")
    rows = re.findall(r'data-component="([^"]+)"', page)
    assert sorted(rows) == sorted(code(n) for n in range(0, INSTANCES, 34))
    assert (national / "en" / "groups" / "lpse-di-provinsi-00" / "index.html").is_file()


def test_every_instance_can_be_found_by_name_and_has_its_own_page_feed_badge_and_json(national: Path) -> None:
    by_name = text(national, "components/index.html")
    names = re.findall(r"LPSE Kabupaten Uji (\d{3})", by_name)
    assert names == [f"{n:03d}" for n in range(INSTANCES)]  # A to Z: the zero-padded numbers sort so
    assert "<script" not in by_name
    for n in (0, 5, 599):
        cid = code(n)
        assert "LPSE Kabupaten Uji" in text(national, f"components/{cid}/index.html")
        assert (national / "en" / "components" / cid / "index.html").is_file()
        assert (national / "components" / cid / "feed.xml").is_file()
        assert "<svg" in text(national, f"badges/{cid}.svg")
        assert json.loads(text(national, f"api/v1/components/{cid}/daily.json"))["component"] == cid


def test_the_feeds_and_the_api_are_bounded(national: Path) -> None:
    for path in ("feed.xml", "en/feed.xml"):
        items = ElementTree.fromstring(text(national, path)).findall("./channel/item")
        assert len(items) == MAX_ITEMS == 50  # of the 60 incidents, the newest
    atom = ElementTree.fromstring(text(national, "atom.xml"))
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == 50
    incidents = json.loads(text(national, "api/v2/incidents.json"))["incidents"]
    assert len(incidents) == 50
    summary = json.loads(text(national, "api/v2/summary.json"))
    components = [c for c in summary["components"] if not c["group"]]
    assert len(components) == INSTANCES + 1  # one entry each, bounded by the configuration
    assert summary["incidents"] == []  # unresolved only: every one is resolved
    # No document lists samples: the largest is the list of components, about half a kilobyte each.
    assert (national / "api" / "v2" / "summary.json").stat().st_size < 1000 * (INSTANCES + PROVINCES + 2)
    status = {c["id"]: c["statusgen_status"] for c in components}
    assert status[code(0)] == "major_outage" and status[code(5)] == "no_data" and status[code(1)] == "operational"


def test_the_sla_report_is_a_row_a_province_and_a_page_for_each(national: Path) -> None:
    # Every named group folds: the SLA page lists the 35 groups (34 provinces and the central services), each a
    # row, and none of the 601 components' tables, which are on their group's page.
    page = text(national, "sla/index.html")
    links = re.findall(r'<tr><th scope="row"><a href="/nasional/(sla/[^"]+/)">', page)
    assert len(links) == PROVINCES + 1 and "sla/lpse-di-provinsi-00/" in links
    assert 'class="sla-component"' not in page
    assert len(page.encode()) < 40_000  # 35 rows and the explanation; all 601 components' tables were 5 MB
    # Provinsi 00's instances: n = 0, 34, ..., 578. November has no sample of any of them (their history starts
    # on 5 December): none is judged.
    row = page.split('href="/nasional/sla/lpse-di-provinsi-00/">')[1].split("</tr>")[0]
    assert "<td>18</td>" in row and "tanpa data" in row
    group = text(national, "sla/lpse-di-provinsi-00/index.html")
    ids = re.findall(r'<section aria-labelledby="sla-(\w+)" class="sla-component">', group)
    assert ids == [code(n) for n in range(0, INSTANCES, 34)]
    assert (national / "en" / "sla" / "lpse-di-provinsi-00" / "index.html").is_file()


def test_a_national_site_requests_nothing_from_another_site(national: Path) -> None:
    # Links to the LPSEs' own addresses are fine (a reader follows them); nothing the browser loads by itself
    # (a script, an image, a stylesheet, a frame) may come from another site.
    for path in ("index.html", "groups/lpse-di-provinsi-00/index.html", "components/index.html"):
        page = text(national, path)
        assert re.findall(r"<(?:script|img|link|iframe|source)\b[^>]*", page)  # the page does load things...
        loaded = re.findall(r'<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)="([^"]+)"', page)
        loaded = [url for url in loaded if not url.startswith("/")]
        # ...and what it names by full address is itself (its canonical and alternates, its feeds)
        assert all(url.startswith("https://example.github.io/nasional/") for url in loaded), loaded


def test_the_national_example_is_valid_and_shares_its_probes_out(cli: Callable[..., Run]) -> None:
    # examples/national/ is the configuration an operator copies: it must pass the strictest check as it is.
    # (Its list is our own example, not a site's weekly content; the counts are those its README gives.)
    config = ROOT / "examples" / "national" / "status.yml"
    run = cli("check", "--strict", "--config", config)
    assert run.code == 0, run.err
    assert run.out.endswith("601 components, 0 incidents, 0 warnings: ok\n")  # INAPROC and the 600 confirmed
    plan = cli("probe", "--plan", "--config", config)
    assert json.loads(plan.out) == [f"{i}/5" for i in range(1, 6)]  # one shard per 150 probed, 601 → 5
