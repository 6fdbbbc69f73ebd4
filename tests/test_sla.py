"""Monthly SLA figures against cases computed by hand. Times are WITA; September 2021 has 43 200 minutes."""

from __future__ import annotations

import json
from datetime import date

import pytest

from statusgen.history import HEADER
from statusgen.sla import Period, months_met

CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
history_start: 2021-08-01
sla_target: 99.5
components:
  - id: spse
    name: SPSE
  - id: ketat
    name: Ketat
    sla_target: 99.95
  - id: baru
    name: Baru
    since: 2021-09-16
"""


def incident(site, slug: str, severity: str, cause: str, started: str, resolved: str, components="[spse]") -> None:
    site.incident(
        slug,
        f"---\ntitle: {slug}\ncomponents: {components}\nseverity: {severity}\ncause: {cause}\n"
        f"started: {started}\nresolved: {resolved}\nupdates: []\n---\n",
    )


def monthly(site, cli, now: str, component: str = "spse") -> dict:
    run = cli("build", "--config", site.config, "--out", site.out, "--now", now)
    assert run.code == 0, run.err
    document = json.loads(site.file(f"api/v1/components/{component}/monthly.json"))
    return {m["month"]: m for m in document["months"]} | {"target": document["target"]}


def test_the_contract_example(make_site, cli) -> None:
    site = make_site(CONFIG)
    # Partial (0.3), external, 18:33 → 24:00: 327 min × 0.3 = 98.1 min.
    incident(site, "2021-09-19-kabel", "partial", "external", "2021-09-19 18:33", "2021-09-20 00:00")
    found = monthly(site, cli, "2021-10-01T00:00")
    # uptime = 100 × (1 − 98.1 / 43200) = 99.77291… → 99.7729; without the external cause: 100.
    assert found["2021-09"] == {
        "month": "2021-09",
        "uptime": 99.7729,
        "sla": 100.0,
        "downtime_minutes": 98.1,
        "external_minutes": 98.1,
        "maintenance_minutes": 0.0,
        "no_data_minutes": 0.0,
        "met": True,
    }
    assert found["target"] == 99.5
    # Months run from the first month of the history to the month of now; October has 0 minutes yet.
    assert list(found) == ["2021-08", "2021-09", "2021-10", "target"]
    assert found["2021-10"]["uptime"] is None and found["2021-10"]["met"] is None


def test_external_and_internal_overlapping(make_site, cli) -> None:
    site = make_site(CONFIG)
    # External major 10:00–12:00 and internal partial 11:00–13:00, on spse and on ketat.
    both = "[spse, ketat]"
    incident(site, "2021-09-01-pusat", "major", "external", "2021-09-01 10:00", "2021-09-01 12:00", both)
    incident(site, "2021-09-01-lokal", "partial", "internal", "2021-09-01 11:00", "2021-09-01 13:00", both)
    found = monthly(site, cli, "2021-10-01T00:00")["2021-09"]
    # Uptime: 10–12 at 1.0 (120) + 12–13 at 0.3 (18) = 138 min → 100 × (1 − 138/43200) = 99.68056
    # SLA: the external major leaves; the internal partial 11–13 stays: 120 × 0.3 = 36 min
    #      → 100 × (1 − 36/43200) = 99.91667. External minutes: 138 − 36 = 102.
    assert found["downtime_minutes"] == 138.0
    assert found["external_minutes"] == 102.0
    assert found["uptime"] == 99.6806
    assert found["sla"] == 99.9167
    assert found["met"] is True  # 99.9167 ≥ 99.5
    strict = monthly(site, cli, "2021-10-01T00:00", "ketat")
    assert strict["target"] == 99.95
    assert strict["2021-09"]["met"] is False  # 99.9167 < 99.95


def test_maintenance_leaves_both_denominators(make_site, cli) -> None:
    site = make_site(CONFIG)
    incident(site, "2021-09-05-pemeliharaan", "maintenance", "internal", "2021-09-05 22:00", "2021-09-06 02:00")
    incident(site, "2021-09-05-mati", "major", "internal", "2021-09-05 21:00", "2021-09-05 23:00")
    found = monthly(site, cli, "2021-10-01T00:00")["2021-09"]
    # Maintenance 240 min; the major counts only 21:00–22:00 (60 min).
    # 100 × (1 − 60 / (43200 − 240)) = 99.86034
    assert found["maintenance_minutes"] == 240.0
    assert found["downtime_minutes"] == 60.0
    assert found["uptime"] == found["sla"] == pytest.approx(99.8603)


def test_a_partial_current_month(make_site, cli) -> None:
    site = make_site(CONFIG)
    incident(site, "2021-09-02-mati", "major", "internal", "2021-09-02 08:00", "2021-09-02 09:00")
    found = monthly(site, cli, "2021-09-10T12:00")["2021-09"]
    # 1 Sep 00:00 → 10 Sep 12:00 = 9.5 days = 13680 min; 60 down → 100 × (1 − 60/13680) = 99.56140
    assert found["uptime"] == 99.5614
    assert found["met"] is True


def test_a_month_spanning_the_start_of_the_probe_era(make_site, cli) -> None:
    site = make_site(CONFIG)
    folder = site.root / "history" / "spse"
    folder.mkdir(parents=True)
    # Probes from 20 Sep 00:00 WITA (19 Sep 16:00 UTC), every 10 min up to 20 Sep 23:50 WITA,
    # down 10:00–11:00 WITA; the cap (15 min) leaves the last sample covering to 21 Sep 00:05.
    lines = []
    for n in range(144):
        minute = n * 10
        hour, rest = divmod(minute, 60)
        utc_day, utc_hour = (19, hour + 16) if hour < 8 else (20, hour - 8)
        status = "down,,,timeout," if 600 <= minute < 660 else "up,200,100,,"
        lines.append(f"2021-09-{utc_day:02d}T{utc_hour:02d}:{rest:02d}:00Z,{status}")
    (folder / "2021-09.csv").write_text(",".join(HEADER) + "\n" + "\n".join(lines) + "\n")
    # An external incident 10:30–11:30 on 20 Sep (weight 0: degraded, so it claims no downtime itself).
    incident(site, "2021-09-20-pusat", "degraded", "external", "2021-09-20 10:30", "2021-09-20 11:30")
    found = monthly(site, cli, "2021-10-01T00:00")["2021-09"]
    # Probe era from 20 Sep 00:00. No data: 21 Sep 00:05 → 1 Oct 00:00 = 9 days 23 h 55 min = 14395 min.
    # Down by probes: 10:00–11:00 = 60 min. Of those, 10:30–11:00 lies in the external window: 30 min.
    # Measured: 43200 − 14395 = 28805.
    # uptime = 100 × (1 − 60/28805) = 99.79170; sla = 100 × (1 − 30/28805) = 99.89585
    assert found["no_data_minutes"] == 14395.0
    assert found["downtime_minutes"] == 60.0
    assert found["external_minutes"] == 30.0
    assert found["uptime"] == 99.7917
    assert found["sla"] == 99.8959


def test_a_component_starts_in_the_middle_of_a_month(make_site, cli) -> None:
    site = make_site(CONFIG)
    incident(site, "2021-09-20-baru", "major", "internal", "2021-09-20 00:00", "2021-09-20 01:00", "[baru]")
    found = monthly(site, cli, "2021-10-01T00:00", "baru")
    # Since 16 Sep: 15 days = 21600 min; 60 down → 100 × (1 − 60/21600) = 99.72222
    assert list(found) == ["2021-09", "2021-10", "target"]
    assert found["2021-09"]["uptime"] == 99.7222


def test_a_month_entirely_in_maintenance_has_no_verdict(make_site, cli) -> None:
    site = make_site(CONFIG)
    incident(site, "2021-08-01-pemeliharaan", "maintenance", "internal", "2021-08-01 00:00", "2021-09-01 00:00")
    found = monthly(site, cli, "2021-09-02T00:00")["2021-08"]
    assert found["maintenance_minutes"] == 31 * 1440
    assert (found["uptime"], found["sla"], found["met"]) == (None, None, None)


def test_the_verdict_uses_the_exact_figure_not_the_rounded_one(make_site, cli) -> None:
    site = make_site(CONFIG)
    # 216 min 1 s down in September: 100 × (1 − 216.01667/43200) = 99.499961… → shown 99.5, yet missed.
    incident(site, "2021-09-01-mati", "major", "internal", "2021-09-01 00:00", "2021-09-01 03:36:01")
    found = monthly(site, cli, "2021-10-01T00:00")["2021-09"]
    assert found["sla"] == 99.5
    assert found["met"] is False


def test_an_external_notice_voids_probe_failures_for_the_sla(make_site, cli) -> None:
    site = make_site(CONFIG)
    folder = site.root / "history" / "spse"
    folder.mkdir(parents=True)
    # Down every 10 min from 1 Sep 12:00 to 13:50 WITA (04:00–05:50 UTC): each sample covers 10 min,
    # the last one 15 (the max_gap cap): 11 × 10 + 15 = 125 min down by the probes.
    lines = [f"2021-09-01T{4 + n // 6:02d}:{n % 6 * 10:02d}:00Z,down,,,timeout," for n in range(12)]
    (folder / "2021-09.csv").write_text(",".join(HEADER) + "\n" + "\n".join(lines) + "\n")
    # A national event recorded as an external notice, 12:00–13:00: its hour of failures is not LPSE's.
    incident(site, "2021-09-01-pusat", "notice", "external", "2021-09-01 12:00", "2021-09-01 13:00")
    found = monthly(site, cli, "2021-10-01T00:00")["2021-09"]
    assert found["downtime_minutes"] == 125.0
    assert found["external_minutes"] == 60.0  # 12:00–13:00 WITA lies inside the external notice


def test_yearly_rows_say_a_missed_month_was_missed(make_site, cli) -> None:
    site = make_site(CONFIG.replace("history_start: 2021-08-01", "history_start: 2021-01-01"))
    incident(site, "2021-03-10-mati", "major", "internal", "2021-03-10 08:00", "2021-03-10 14:00")
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-12-31T23:00").code == 0
    page = site.file("sla/index.html")
    spse = page[page.index('id="sla-spse"') : page.index('id="sla-ketat"')]
    year_row = spse[spse.index('<th scope="row">2021</th>') :].split("</tr>")[0]
    assert "✗ 11 dari 12 bulan tercapai" in year_row
    assert json.loads(site.file("api/v1/components/spse/monthly.json"))["months"][2]["met"] is False


def test_the_months_met_are_counted_by_year() -> None:
    """By hand: 2025-12 met (99.9 % for 99.5 %), 2026-01 missed (99.0 %), 2026-02 met (100 %), 2026-03 without
    a figure (no verdict): 2025 has 1 of 1, 2026 has 1 of 2, and a year without a verdict is absent."""

    def month(label: str, figure: float | None) -> Period:
        return Period(label, date(int(label[:4]), int(label[5:]), 1), figure, figure, 0, 0, 0, 0, 99.5, figure)

    months = [month("2024-06", None), month("2025-12", 99.9), month("2026-01", 99.0), month("2026-02", 100.0)]
    assert months_met([*months, month("2026-03", None)]) == {"2025": (1, 1), "2026": (1, 2)}
