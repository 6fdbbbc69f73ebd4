"""Current status at `now`: worst active incident wins; notices and future maintenance change nothing."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from statusgen.model import Incident
from statusgen.status import component_status, phase, worst
from statusgen.times import parse_datetime

WITA = ZoneInfo("Asia/Makassar")


def at(text: str):
    return parse_datetime(text, WITA)


def incident(severity: str, started: str, resolved: str | None = None, components=("spse",)) -> Incident:
    return Incident(
        slug=f"{severity}-{started}",
        title="t",
        components=tuple(components),
        severity=severity,
        cause="internal",
        started=at(started),
        resolved=at(resolved) if resolved else None,
        updates=(),
        body="",
    )


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        ((), "operational"),
        (("notice",), "operational"),
        (("degraded",), "degraded_performance"),
        (("maintenance",), "under_maintenance"),
        (("maintenance", "degraded"), "degraded_performance"),
        (("degraded", "partial"), "partial_outage"),
        (("partial", "major", "maintenance"), "major_outage"),
    ],
)
def test_worst_active_incident_wins(severities: tuple[str, ...], expected: str) -> None:
    now = at("2021-09-19 12:00")
    items = [incident(s, "2021-09-19 10:00", "2021-09-19 14:00") for s in severities]
    assert component_status("spse", items, now) == expected


def test_an_incident_covers_started_up_to_but_not_including_resolved() -> None:
    item = incident("major", "2021-09-19 10:00", "2021-09-19 11:00")
    assert component_status("spse", [item], at("2021-09-19 09:59")) == "operational"
    assert component_status("spse", [item], at("2021-09-19 10:00")) == "major_outage"
    assert component_status("spse", [item], at("2021-09-19 10:59")) == "major_outage"
    assert component_status("spse", [item], at("2021-09-19 11:00")) == "operational"


def test_an_ongoing_incident_stays_active() -> None:
    item = incident("partial", "2021-09-19 10:00")
    assert component_status("spse", [item], at("2030-01-01 00:00")) == "partial_outage"
    assert phase(item, at("2030-01-01 00:00")) == "ongoing"


def test_only_the_affected_components_change() -> None:
    item = incident("major", "2021-09-19 10:00", None, ("sikap",))
    assert component_status("spse", [item], at("2021-09-19 12:00")) == "operational"
    assert component_status("sikap", [item], at("2021-09-19 12:00")) == "major_outage"


def test_maintenance_phases() -> None:
    item = incident("maintenance", "2021-09-19 22:00", "2021-09-20 02:00")
    assert phase(item, at("2021-09-19 21:00")) == "scheduled"
    assert component_status("spse", [item], at("2021-09-19 21:00")) == "operational"  # future: no effect now
    assert phase(item, at("2021-09-19 23:00")) == "in_progress"
    assert component_status("spse", [item], at("2021-09-19 23:00")) == "under_maintenance"
    assert phase(item, at("2021-09-20 02:00")) == "completed"


def test_overall_order() -> None:
    assert worst([]) == "operational"
    assert worst(["operational", "under_maintenance"]) == "under_maintenance"
    assert worst(["under_maintenance", "degraded_performance"]) == "degraded_performance"
    assert worst(["degraded_performance", "partial_outage", "operational"]) == "partial_outage"
    assert worst(["partial_outage", "major_outage"]) == "major_outage"
