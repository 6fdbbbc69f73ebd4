"""Many LPSEs from a CSV file (``instances:``): each row a component, errors at the file's line, codes not
confirmed left out, and probes shared out among shards that stay stable as instances are added."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest

from statusgen.build import load_settings
from statusgen.instances import SHARD_SIZE, shard_of, shards
from tests.conftest import Run, Site
from tests.localhttp import LocalServer, QuietHandler

SITE = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
components:
  - id: spse
    name: SPSE
instances:
  file: lpse.csv
  group: {{id: "LPSE di {{province}}", en: "LPSEs in {{province}}"}}
{extra}"""

ROWS = """\
code,name,province,url,source,confirmed
ujiprov,LPSE Provinsi Uji,Uji Selatan,,https://example.org/a,yes
contohkab,LPSE Kabupaten Contoh,Uji Selatan,,https://example.org/b,
lainkota,LPSE Kota Lain,Uji Barat,https://lpse.lainkota.go.id/eproc4,https://example.org/c,yes
ragu,LPSE Ragu,Uji Barat,,,no
"""


def site_with(make_site: Callable[..., Site], rows: str, extra: str = "") -> Site:
    site = make_site(SITE.format(extra=extra))
    (site.root / "lpse.csv").write_text(rows, encoding="utf-8")
    return site


def test_each_confirmed_row_is_a_probed_component_in_its_province(make_site: Callable[..., Site]) -> None:
    site = site_with(make_site, ROWS)
    config, warnings = load_settings(site.config)
    assert warnings == []
    assert [c.id for c in config.components] == ["spse", "ujiprov", "contohkab", "lainkota"]  # "ragu": not confirmed
    province, regency, city = config.components[1:]
    assert (province.name, province.group, province.group.translations) == (
        "LPSE Provinsi Uji",
        "LPSE di Uji Selatan",
        {"en": "LPSEs in Uji Selatan"},
    )
    assert province.probe is not None and province.probe.url == "https://spse.inaproc.id/ujiprov/"  # the default
    assert regency.url == "https://spse.inaproc.id/contohkab/"
    assert city.probe is not None and city.probe.url == "https://lpse.lainkota.go.id/eproc4"  # its own url
    assert (province.probe.timeout, province.probe.retries, province.probe.keyword) == (10.0, 1, None)


def test_a_row_whose_address_a_written_component_probes_is_left_to_that_component(
    make_site: Callable[..., Site],
) -> None:
    # The province's SPSE is written in components: (with its own name, settings and years of history); its row
    # in the CSV, at the same address give or take the last slash, is not probed a second time.
    site = make_site(SITE.format(extra="").replace(
        "    name: SPSE\n",
        "    name: SPSE\n    group: {id: LPSE di Uji Selatan, en: LPSEs in Uji Selatan}\n"
        "    probe: {url: 'https://spse.inaproc.id/ujiprov'}\n",
    ))  # fmt: skip
    (site.root / "lpse.csv").write_text(ROWS, encoding="utf-8")
    config, warnings = load_settings(site.config)
    assert warnings == []
    assert [c.id for c in config.components] == ["spse", "contohkab", "lainkota"]
    assert config.components[0].group == config.components[1].group  # one group: the province's LPSEs


def test_the_template_keyword_and_timeouts_apply_to_every_instance(make_site: Callable[..., Site]) -> None:
    extra = '  url: "https://lpse.{code}.go.id/eproc4"\n  keyword: SPSE\n  timeout: 5\n  retries: 0\n'
    site = site_with(make_site, ROWS, extra)
    config, _ = load_settings(site.config)
    probe = config.components[1].probe
    assert probe is not None
    assert (probe.url, probe.keyword, probe.timeout, probe.retries) == ("https://lpse.ujiprov.go.id/eproc4",
                                                                          "SPSE", 5.0, 0)  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "extra", "where", "expected"),
    [
        ("code,name,province\nabc,A,P\nabc,B,P\n", "", "lpse.csv:3", "lpse.csv:2): ids must be unique"),
        ("code,name,province\nspse,A,P\n", "", "lpse.csv:2", "status.yml:4): ids must be unique"),
        ("code,name,province\nKab Tapin,A,P\n", "", "lpse.csv:2", "code 'Kab Tapin' may only hold a-z, 0-9"),
        ("code,name,province,kota\na,A,P,x\n", "", "lpse.csv:1", "unknown column 'kota'"),
        ("code,name\na,A\n", "", "lpse.csv:1", "missing column(s) province"),
        ("code,name,province\na,A\n", "", "lpse.csv:2", "2 values for 3 columns"),
        ("code,name,province\na,,P\n", "", "lpse.csv:2", "'name' is empty"),
        ("code,name,province,confirmed\na,A,P,mungkin\n", "", "lpse.csv:2", "confirmed 'mungkin' is neither"),
        (
            "code,name,province\na,A,P\n",
            '  url: "https://spse.inaproc.id/eproc4"\n',
            "status.yml:10",
            "has no '{code}'",
        ),
        ("code,name,province\na,A,P\n", "  group_by: kota\n", "status.yml:10", "grouped by 'province' only"),
    ],
)
def test_a_wrong_row_or_setting_is_an_error_at_its_line(
    make_site: Callable[..., Site], cli: Callable[..., Run], rows: str, extra: str, where: str, expected: str
) -> None:
    site = site_with(make_site, rows, extra)
    run = cli("check", "--config", site.config)
    assert run.code == 1
    said = [line for line in run.err.splitlines() if f"{where}: " in line]
    assert said and expected in said[0], run.err


def test_a_missing_file_is_an_error(make_site: Callable[..., Site], cli: Callable[..., Run]) -> None:
    site = make_site(SITE.format(extra=""))
    run = cli("check", "--config", site.config)
    assert run.code == 1 and "lpse.csv:1: " in run.err


# --- shards ---------------------------------------------------------------------------------------------------


def test_shards_are_disjoint_cover_everything_and_stay_put_as_instances_are_added() -> None:
    codes = [f"lpse{n}kab" for n in range(600)]
    for count in (1, 2, 4, 7):
        held = {index: {c for c in codes if shard_of(c, count) == index} for index in range(1, count + 1)}
        assert set().union(*held.values()) == set(codes)  # every component in a shard
        assert sum(len(shard) for shard in held.values()) == len(codes)  # and in one only
    before = {c: shard_of(c, 4) for c in codes}
    assert {c: shard_of(c, 4) for c in [*codes, *(f"baru{n}" for n in range(100))] if c in before} == before
    # Shared out evenly enough that no shard has more than twice its fair share of 150.
    sizes = [sum(1 for c in codes if shard_of(c, 4) == index) for index in range(1, 5)]
    assert all(75 <= size <= 300 for size in sizes), sizes


def test_the_workflow_runs_one_shard_per_150_components() -> None:
    assert SHARD_SIZE == 150
    assert [shards(n) for n in (0, 1, 150, 151, 300, 301, 600)] == [1, 1, 1, 2, 2, 3, 4]


def test_the_run_length_bound_applies_per_shard(make_site: Callable[..., Site], cli: Callable[..., Run]) -> None:
    # timeout 30 s, 1 retry: a probe takes at most (30 + 0.25) × 2 + 0.5 = 61 s. 300 of them in one run, 64 at a
    # time, would be ceil(300 / 64) = 5 rounds = 305 s > 300 s. In 2 shards each holds some 150, at most 192
    # (as the check above allows): ceil(192 / 64) = 3 rounds = 183 s, within the bound.
    rows = "code,name,province\n" + "".join(f"lpse{n},LPSE {n},P\n" for n in range(300))
    site = site_with(make_site, rows, "  timeout: 30\n")
    assert max(sum(1 for n in range(300) if shard_of(f"lpse{n}", 2) == i) for i in (1, 2)) <= 192
    assert cli("check", "--config", site.config).code == 0
    assert json.loads(cli("probe", "--config", site.config, "--plan").out) == ["1/2", "2/2"]
    # 150 of them, one shard: 3 rounds of 61 s. With timeout 60 and 2 retries ((60.25) × 3 + 1 = 181.75 s each),
    # 3 rounds are 545 s: refused.
    slow = make_site(SITE.format(extra="  timeout: 60\n  retries: 2\n"), name="slow")
    (slow.root / "lpse.csv").write_text("code,name,province\n" + "".join(f"x{n},X,P\n" for n in range(150)))
    run = cli("check", "--config", slow.config)
    assert run.code == 1 and "150 probes that all fail could keep the probe run waiting 545.25 s" in run.err


class Lpse(LocalServer):
    """Every LPSE, on one local server: /<code>/ answers 200."""

    def __init__(self) -> None:
        class Handler(QuietHandler):
            def do_GET(self) -> None:
                self.reply(200, b"SPSE")

        super().__init__(Handler)


@pytest.fixture
def lpse() -> Iterator[Lpse]:
    server = Lpse()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_probe_shard_probes_its_share_only(make_site: Callable[..., Site], cli: Callable[..., Run], lpse: Lpse) -> None:
    codes = [f"lpse{n}" for n in range(12)]
    rows = "code,name,province\n" + "".join(f"{c},LPSE {c},P\n" for c in codes)
    site = make_site(SITE.format(extra=f'  url: "{lpse.base}/{{code}}/"\n  timeout: 2\n').replace(
        "  - id: spse\n    name: SPSE\n", "  - id: spse\n    name: SPSE\n    url: https://example.org/\n"))  # fmt: skip
    (site.root / "lpse.csv").write_text(rows, encoding="utf-8")
    history = site.root / "history"
    seen = []
    for index in (1, 2, 3):
        assert cli("probe", "--config", site.config, "--shard", f"{index}/3").code == 0
        now = {p.name for p in history.iterdir() if p.is_dir()}
        seen.append(now - set().union(*seen) if seen else now)
    assert [sorted(s) for s in seen] == [sorted(c for c in codes if shard_of(c, 3) == i) for i in (1, 2, 3)]
    assert set().union(*seen) == set(codes)
    assert cli("probe", "--config", site.config, "--shard", "4/3").code == 2


def test_an_empty_shard_says_so(make_site: Callable[..., Site], cli: Callable[..., Run]) -> None:
    # Three instances in 64 shards: most shards hold none, and probing one is no mistake, just nothing to do.
    site = site_with(make_site, ROWS)
    taken = {shard_of(code, 64) for code in ("ujiprov", "contohkab", "lainkota")}
    empty = min(set(range(1, 65)) - taken)
    run = cli("probe", "--config", site.config, "--shard", f"{empty}/64")
    assert (run.code, run.out) == (0, f"no component probed from 'github' falls in shard {empty}/64; nothing to do\n")
    assert not (site.root / "history").exists()


def test_an_instance_whose_every_probe_found_nothing_is_a_warning_not_an_outage(
    make_site: Callable[..., Site], cli: Callable[..., Run]
) -> None:
    site = site_with(make_site, "code,name,province\nsalahkab,LPSE Salah,P\nbenarkab,LPSE Benar,P\n")
    header = "time,status,http_status,latency_ms,error,cert_days\n"
    for code, line in (("salahkab", "down,404,80,status,"), ("benarkab", "down,503,80,status,")):
        folder = site.root / "history" / code
        folder.mkdir(parents=True)
        samples = "".join(f"2026-12-05T01:{minute:02d}:00Z,{line}\n" for minute in (0, 5, 10))
        (folder / "2026-12.csv").write_text(header + samples, encoding="utf-8")
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-12-05T09:12+08:00")
    assert run.code == 0, run.err
    assert "history/salahkab:1: warning: every probe of 'salahkab' so far found nothing at" in run.err
    assert "(HTTP 404, 3 times)" in run.err and "benarkab" not in run.err
    summary = json.loads(site.file("api/v2/summary.json"))
    status = {c["id"]: c.get("statusgen_status") for c in summary["components"]}
    # A 503 is an outage; three 404s and nothing else are a wrong code: no data, not an outage.
    assert status["benarkab"] == "major_outage"
    assert status["salahkab"] == "no_data"


def test_an_instance_has_no_history_before_its_first_probe(
    make_site: Callable[..., Site], cli: Callable[..., Run]
) -> None:
    # history_start is 2011, and no incident names either instance: for a component written in status.yml that
    # is years of clean record, but nobody kept records of an LPSE from a list, so its history is its probes'.
    site = site_with(make_site, "code,name,province\nujikab,LPSE Uji,P\nbarukab,LPSE Baru,P\n",
                     extra="history_start: 2011-01-01\n")  # fmt: skip
    folder = site.root / "history" / "ujikab"
    folder.mkdir(parents=True)
    (folder / "2026-12.csv").write_text("time,status,http_status,latency_ms,error,cert_days\n" + "".join(
        f"2026-12-03T00:{minute:02d}:00Z,up,200,80,,\n" for minute in (0, 5, 10)), encoding="utf-8")  # fmt: skip
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-12-05T08:00+08:00")
    assert run.code == 0, run.err
    documents = json.loads(site.file("api/v2/components.json"))["components"]
    start = {c["id"]: c["start_date"] for c in documents if not c["group"]}
    assert start == {"spse": "2011-01-01", "ujikab": "2026-12-03", "barukab": "2026-12-05"}
    days = json.loads(site.file("api/v1/components/ujikab/daily.json"))["days"]
    assert [d["date"] for d in days] == ["2026-12-03", "2026-12-04", "2026-12-05"]
    # 3 December in WITA is 2 Dec 16:00Z to 3 Dec 16:00Z, 1,440 minutes. The samples at 00:00, 00:05 and 00:10Z
    # vouch from the first to 15 minutes (max_gap) after the last: 25 minutes up. The 480 minutes before the
    # first probe and the 935 after the last are no data; so is every minute after.
    assert (days[0]["uptime"], days[0]["no_data_minutes"]) == (100.0, 1415.0)
    assert days[1]["uptime"] is None and days[2]["uptime"] is None
    never = json.loads(site.file("api/v1/components/barukab/daily.json"))["days"]
    assert never == [{"date": "2026-12-05", "downtime_minutes": 0.0, "maintenance_minutes": 0.0,
                      "no_data_minutes": 480.0, "source": "incidents", "uptime": None}]  # fmt: skip
    assert not (site.out / "components" / "ujikab" / "2011").exists()  # no year pages before its first probe
    assert (site.out / "components" / "spse" / "2011").is_dir()


def test_a_province_with_many_instances_is_one_line_on_the_home_page(
    make_site: Callable[..., Site], cli: Callable[..., Run]
) -> None:
    # 25 instances in "Uji Utara" (more than GROUP_ROWS = 20: folded), 3 in "Uji Selatan" (shown row by row).
    rows = "code,name,province\n" + "".join(f"u{n:02d}kab,LPSE Kabupaten U{n:02d},Uji Utara\n" for n in range(25))
    rows += "".join(f"s{n}kab,LPSE Kabupaten S{n},Uji Selatan\n" for n in range(3))
    site = site_with(make_site, rows)
    folder = site.root / "history" / "u07kab"
    folder.mkdir(parents=True)
    (folder / "2026-12.csv").write_text("time,status,http_status,latency_ms,error,cert_days\n"
                                        "2026-12-05T01:00:00Z,down,503,40,status,\n", encoding="utf-8")  # fmt: skip
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-12-05T09:05+08:00")
    assert run.code == 0, run.err
    index = site.file("index.html")
    rows_on_index = re.findall(r'<li class="component [^"]*" data-component="([^"]+)"', index)
    # spse, the one instance with a problem (listed first, under "with a problem now"), and the small group's 3.
    assert rows_on_index == ["u07kab", "spse", "s0kab", "s1kab", "s2kab"]
    folded = index.split('class="group folded')[1].split("</section>")[0]
    assert 'href="/status/groups/lpse-di-uji-utara/"' in folded
    # 25 instances: 1 with a major outage (503), the 24 others never probed: no data.
    assert "25 layanan:\nGangguan total 1 · Tidak ada data terbaru 24" in folded
    group = site.file("groups/lpse-di-uji-utara/index.html")
    assert len(re.findall(r'data-component="u\d\dkab"', group)) == 25
    by_name = site.file("components/index.html")
    names = re.findall(r'<a href="/status/components/[^"]+/">([^<]+)</a>', by_name)
    assert names == sorted(names, key=str.casefold) and len(names) == 1 + 25 + 3


def test_a_folded_province_has_its_own_sla_page_and_one_counted_row_on_the_sla_page(
    make_site: Callable[..., Site], cli: Callable[..., Run]
) -> None:
    # 25 instances in "Uji Utara" (folded), 3 in "Uji Selatan" (not). Three of the folded ones were probed
    # every 5 minutes through November 2026, from 1 Nov 00:00Z (08:00 WITA) to 30 Nov 15:55Z (the month's end
    # in WITA): 42,720 minutes measured (43,200 less the 480 before the first probe). The target is 99.5 %.
    rows = "code,name,province\n" + "".join(f"u{n:02d}kab,LPSE Kabupaten U{n:02d},Uji Utara\n" for n in range(25))
    rows += "".join(f"s{n}kab,LPSE Kabupaten S{n},Uji Selatan\n" for n in range(3))
    site = site_with(make_site, rows)
    first = datetime(2026, 11, 1, tzinfo=UTC)
    down_samples = {"u00kab": 0, "u01kab": 60, "u02kab": 20}  # the first n samples down: 0, 300, 100 minutes
    for cid, down in down_samples.items():
        lines = [
            f"{first + timedelta(minutes=5 * k):%Y-%m-%dT%H:%M:%SZ},"
            + ("down,503,40,status,\n" if k < down else "up,200,80,,\n")
            for k in range((43_200 - 480) // 5)
        ]
        folder = site.root / "history" / cid
        folder.mkdir(parents=True)
        (folder / "2026-11.csv").write_text("time,status,http_status,latency_ms,error,cert_days\n" + "".join(lines))
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2026-12-05T09:05+08:00")
    assert run.code == 0, run.err
    # u00kab: 100 %, met. u01kab: 100 × (1 − 300 / 42,720) = 99.2978 %, missed. u02kab: 100 × (1 − 100 / 42,720)
    # = 99.7659 %, met. The 22 others have no data in November and are not judged: 2 of 3.
    monthly = {cid: json.loads(site.file(f"api/v1/components/{cid}/monthly.json"))["months"] for cid in down_samples}
    november = {cid: next(m for m in months if m["month"] == "2026-11") for cid, months in monthly.items()}
    assert {cid: (m["uptime"], m["met"]) for cid, m in november.items()} == {
        "u00kab": (100.0, True), "u01kab": (99.2978, False), "u02kab": (99.7659, True)}  # fmt: skip
    page = site.file("sla/index.html")
    table = page.split('id="sla-kelompok"')[1].split("</section>")[0]
    row = re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table)
    assert row == ['<a href="/status/sla/lpse-di-uji-utara/">LPSE di Uji Utara</a></th><td>25</td><td>2 dari 3</td>']
    assert "Target tercapai 2026-11" in table
    # The folded province's instances are not on the SLA page, but on their group's; the small province's are.
    assert 'id="sla-u00kab"' not in page and all(f'id="sla-s{n}kab"' in page for n in range(3))
    group = site.file("sla/lpse-di-uji-utara/index.html")
    assert re.findall(r'<section aria-labelledby="sla-(\w+)"', group) == [f"u{n:02d}kab" for n in range(25)]
    assert 'href="/status/sla/#cara-hitung"' in group
    assert '<a href="/status/sla/" aria-current="page">SLA</a>' in group  # the navigation's SLA, as on sla/
    assert "99,2978%" in group.split('id="sla-u01kab"')[1].split("</section>")[0]
    # An instance's page links to its own figures, where they are.
    assert 'href="/status/sla/lpse-di-uji-utara/#sla-u01kab"' in site.file("components/u01kab/index.html")
    assert 'href="/status/sla/#sla-s0kab"' in site.file("components/s0kab/index.html")
    assert (site.out / "en" / "sla" / "lpse-di-uji-utara" / "index.html").is_file()
