"""The arithmetic of several places, pure and by hand: the public verdict and what an inside place explains
(every row of the two tables of docs/vantages.md), when a reading is fresh, spans of several places combined
instant by instant (and a hypothesis property of it), and the monthly bandwidth figures (median, nearest-rank
10th percentile, failed measurements, met)."""

from __future__ import annotations

import random
from datetime import date
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statusgen import sla, verdict
from statusgen.model import BandwidthSample, ProbeSample
from statusgen.uptime import FULL, Outage

NOW = 1_800_000_000  # seconds since the epoch
STALE = 30 * 60  # stale_after, the default 30 minutes


def seen(vid: str, status: str | None, public: bool = True, age: int = 60) -> verdict.Reading:
    """A place's reading at NOW: its newest sample ``age`` seconds old with ``status`` (None: it never reported)."""
    latest = None if status is None else ProbeSample(NOW - age, status, 200 if status != "down" else None, 80)
    return verdict.reading(vid, public, latest, NOW, STALE)


def stale(vid: str, status: str, public: bool = True) -> verdict.Reading:
    return seen(vid, status, public, age=STALE + 60)


# --- the public verdict (the first table of docs/vantages.md) ------------------------------------------------


def test_every_fresh_public_place_down_is_a_major_outage() -> None:
    said = verdict.verdict([seen("github", "down"), seen("jakarta", "down")])
    assert said == verdict.Verdict("major_outage")  # no places named: all of them


def test_some_down_is_a_partial_outage_naming_them_in_status_yml_order() -> None:
    readings = [seen("bandung", "down"), seen("github", "up"), seen("jakarta", "down")]
    said = verdict.verdict(readings)
    assert said.status == "partial_outage"
    assert said.down_from == ("bandung", "jakarta")  # the order of the readings, which is status.yml's
    assert said.stale == () and said.explanation is None


def test_a_degraded_place_and_a_down_one_is_still_partial() -> None:
    said = verdict.verdict([seen("github", "degraded"), seen("jakarta", "down")])
    assert (said.status, said.down_from) == ("partial_outage", ("jakarta",))


def test_every_fresh_place_up_is_operational() -> None:
    assert verdict.verdict([seen("github", "up"), seen("jakarta", "up")]) == verdict.Verdict("operational")


def test_one_place_seeing_it_slow_is_degraded() -> None:
    said = verdict.verdict([seen("github", "up"), seen("jakarta", "degraded")])
    assert said == verdict.Verdict("degraded_performance")


def test_a_stale_public_place_does_not_vote_and_is_named() -> None:
    said = verdict.verdict([seen("github", "up"), stale("jakarta", "down")])
    assert said == verdict.Verdict("operational", stale=("jakarta",))
    said = verdict.verdict([stale("github", "up"), seen("jakarta", "down")])
    assert said == verdict.Verdict("major_outage", stale=("github",))  # the one fresh place decides


def test_no_fresh_place_is_no_data() -> None:
    said = verdict.verdict([stale("github", "down"), seen("jakarta", None)])
    assert said == verdict.Verdict("no_data", stale=("github", "jakarta"))  # never reported: stale too
    assert verdict.verdict([]) == verdict.Verdict("no_data")


def test_a_component_only_an_inside_place_probes_takes_its_status_from_it() -> None:
    assert verdict.verdict([seen("kantor", "down", public=False)]) == verdict.Verdict("major_outage")
    assert verdict.verdict([seen("kantor", "up", public=False)]) == verdict.Verdict("operational")
    assert verdict.verdict([stale("kantor", "up", public=False)]) == verdict.Verdict("no_data", stale=("kantor",))
    # Two inside places voting: one down, one up, is partial like the public places.
    said = verdict.verdict([seen("kantor", "down", public=False), seen("gudang", "up", public=False)])
    assert (said.status, said.down_from, said.explanation) == ("partial_outage", ("kantor",), None)


def test_an_inside_place_never_votes_beside_a_public_one() -> None:
    said = verdict.verdict([seen("github", "up"), seen("kantor", "down", public=False)])
    assert said.status == "operational"  # the inside place explains (below), it does not turn the verdict
    said = verdict.verdict([seen("github", "down"), seen("kantor", "up", public=False)])
    assert said.status == "major_outage"


# --- what the inside place explains (the second table) -------------------------------------------------------

PUBLIC = {
    "major_outage": [seen("github", "down"), seen("jakarta", "down")],
    "partial_outage": [seen("github", "up"), seen("jakarta", "down")],
    "operational": [seen("github", "up"), seen("jakarta", "up")],
    "degraded_performance": [seen("github", "degraded"), seen("jakarta", "up")],
    "no_data": [stale("github", "down"), stale("jakarta", "down")],
}
UPLINK = {"down": seen("kantor", "down", public=False), "up": seen("kantor", "up", public=False), "none": None}

EXPLAINED = [
    # (public verdict, inside the application, inside the uplink, explanation)
    ("major_outage", "up", "down", "link_down"),
    ("major_outage", "degraded", "down", "link_down"),  # slow inside still answers
    ("major_outage", "up", "up", "runs_inside"),
    ("major_outage", "up", "none", "runs_inside"),  # the uplink not probed
    ("major_outage", "down", "down", "app_down"),
    ("major_outage", "down", "up", "app_down"),
    ("major_outage", "down", "none", "app_down"),
    ("operational", "down", "up", "inside_only"),
    ("operational", "down", "down", "inside_only"),
    ("degraded_performance", "down", "none", "inside_only"),
    ("operational", "up", "up", None),
    ("degraded_performance", "up", "down", None),
    *[("partial_outage", app, link, None) for app in ("up", "down") for link in ("up", "down", "none")],
    *[("no_data", app, link, None) for app in ("up", "down") for link in ("up", "down", "none")],
]


@pytest.mark.parametrize(("public", "app", "link", "expected"), EXPLAINED)
def test_what_the_inside_place_explains(public: str, app: str, link: str, expected: str | None) -> None:
    readings = [*PUBLIC[public], seen("kantor", app, public=False)]
    uplink = UPLINK[link]
    said = verdict.verdict(readings, {"kantor": uplink} if uplink is not None else {})
    assert said.status == public
    assert said.explanation == expected
    if expected is not None:
        assert expected in verdict.EXPLANATIONS


@pytest.mark.parametrize("app", ["up", "down"])
def test_a_stale_inside_place_explains_nothing_and_is_named(app: str) -> None:
    readings = [*PUBLIC["major_outage"], stale("kantor", app, public=False)]
    said = verdict.verdict(readings, {"kantor": UPLINK["down"]})
    assert said == verdict.Verdict("major_outage", stale=("kantor",))


def test_a_stale_uplink_counts_as_not_probed() -> None:
    readings = [*PUBLIC["major_outage"], seen("kantor", "up", public=False)]
    said = verdict.verdict(readings, {"kantor": stale("kantor", "down", public=False)})
    assert said.explanation == "runs_inside"


# --- freshness ------------------------------------------------------------------------------------------------


def test_freshness_at_the_boundary() -> None:
    def fresh(time: int) -> bool:
        return verdict.reading("github", True, ProbeSample(time, "up"), NOW, STALE).fresh

    assert fresh(NOW)  # age 0
    assert fresh(NOW - STALE + 1)  # age 1799 s < 1800
    assert not fresh(NOW - STALE)  # age == stale_after: stale
    assert not fresh(NOW + 1)  # a sample from the future says nothing about now
    never = verdict.reading("github", True, None, NOW, STALE)
    assert (never.fresh, never.status, never.down) == (False, "no_data", False)


def test_a_reading_s_status_and_down() -> None:
    assert [seen("g", s).status for s in ("up", "degraded", "down")] == [
        "operational",
        "degraded_performance",
        "major_outage",
    ]
    assert seen("g", "down").down and not seen("g", "degraded").down
    old = stale("g", "down")
    assert (old.status, old.down) == ("no_data", False)  # a stale down sample is not down now


# --- spans combined -------------------------------------------------------------------------------------------

P = verdict.PARTIAL


def test_combined_spans_worked_by_hand() -> None:
    a = [Outage(0, 100, 0), Outage(100, 200, FULL), Outage(200, 300, 0)]
    b = [Outage(50, 150, FULL), Outage(150, 250, 0), Outage(400, 500, FULL)]
    assert verdict.combined_spans([a, b]) == [
        Outage(0, 50, 0),  # a up, b not yet covering
        Outage(50, 100, P),  # a up, b down: the places disagree
        Outage(100, 150, FULL),  # both down
        Outage(150, 200, P),  # a down, b up
        Outage(200, 300, 0),  # both up to 250, then a alone up: equal weights touching, joined
        # 300–400 no place covers: left out (no data)
        Outage(400, 500, FULL),  # b alone covers it, and sees it down
    ]
    assert P == 300  # a partial outage's weight, per mille


def test_combined_spans_join_touching_spans_of_one_weight() -> None:
    # a down 0–100; b down 0–40, up 40–60, down 60–100; c down 0–100
    a = [Outage(0, 100, FULL)]
    b = [Outage(0, 40, FULL), Outage(40, 60, 0), Outage(60, 100, FULL)]
    assert verdict.combined_spans([a, b, a]) == [Outage(0, 40, FULL), Outage(40, 60, P), Outage(60, 100, FULL)]
    # Two places disagreeing both ways in turn is one partial span.
    c = [Outage(0, 50, FULL), Outage(50, 100, 0)]
    d = [Outage(0, 50, 0), Outage(50, 100, FULL)]
    assert verdict.combined_spans([c, d]) == [Outage(0, 100, P)]


def test_one_place_s_spans_are_returned_unchanged() -> None:
    spans = [Outage(0, 10, 0), Outage(10, 20, 0), Outage(30, 40, FULL)]  # even touching ones stay apart
    assert verdict.combined_spans([spans]) == spans
    assert verdict.combined_spans([[], []]) == []


def test_empty_spans_are_ignored() -> None:
    assert verdict.combined_spans([[Outage(5, 5, FULL)], [Outage(0, 10, 0)]]) == [Outage(0, 10, 0)]


@st.composite
def place_spans(draw: st.DrawFn) -> list[Outage]:
    """One place's spans: sorted, disjoint, each down (FULL) or up (0), with gaps."""
    spans = []
    moment = draw(st.integers(0, 20))
    for _ in range(draw(st.integers(0, 8))):
        length = draw(st.integers(1, 30))
        spans.append(Outage(moment, moment + length, draw(st.sampled_from([0, FULL]))))
        moment += length + draw(st.sampled_from([0, 0, 1, 15]))
    return spans


@settings(max_examples=150, deadline=None)
@given(st.lists(place_spans(), min_size=1, max_size=4))
def test_combined_spans_property(places: list[list[Outage]]) -> None:
    result = verdict.combined_spans(places)
    # Sorted, disjoint, and (several places) no two touching spans of one weight.
    for before, after in pairwise(result):
        assert before.end <= after.start
        if len(places) > 1:
            assert not (before.end == after.start and before.weight == after.weight)
    # At every instant (the middle of each piece between any two boundaries): FULL exactly where every covering
    # place is down, PARTIAL where some are, 0 where none is, nothing where no place covers.
    edges = sorted({t for spans in places for s in spans for t in (s.start, s.end)})
    for start, end in pairwise(edges):
        middle = (start + end) / 2
        covering = [s.weight for spans in places for s in spans if s.start <= middle < s.end]
        weights = [s.weight for s in result if s.start <= middle < s.end]
        if not covering:
            assert weights == []
            continue
        assert len(weights) == 1
        if all(w == FULL for w in covering):
            assert weights == [FULL]
        else:
            assert weights[0] == (P if FULL in covering else 0)
    # The time covered is the union of the places' spans.
    covered = [(start, end) for start, end in pairwise(edges) if any(s.start < end and start < s.end
               for spans in places for s in spans)]  # fmt: skip
    union = sum(end - start for start, end in covered)
    assert sum(s.end - s.start for s in result) == union


# --- bandwidth by the month -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "median", "p10"),
    [
        (1, 1, 1),  # rank ceil(10 × 1 / 100) = ceil(0.1) = 1
        (9, 5, 1),  # the 5th of 9; rank ceil(0.9) = 1
        (10, 5.5, 1),  # (5 + 6) / 2; rank ceil(1.0) = 1
        (11, 6, 2),  # the 6th of 11; rank ceil(1.1) = 2
        (20, 10.5, 2),  # (10 + 11) / 2; rank ceil(2.0) = 2
    ],
)
def test_spread_median_and_nearest_rank_p10(count: int, median: float, p10: float) -> None:
    values = [float(v) for v in range(1, count + 1)]  # 1, 2, …, count Mbps
    random.Random(count).shuffle(values)  # the order they came in does not matter
    assert sla._spread(values) == sla.Spread(median, p10, count)


def test_spread_rounds_the_median_and_has_none_without_values() -> None:
    assert sla._spread([10.1234, 20.5678]) == sla.Spread(15.346, 10.1234, 2)  # (10.1234 + 20.5678) / 2 = 15.3456
    assert sla._spread([]) is None


OCTOBER = ("2026-10", date(2026, 10, 1), 1_000_000, 2_000_000)
NOVEMBER = ("2026-11", date(2026, 11, 1), 2_000_000, 2_500_000)


def test_bandwidth_months_by_hand() -> None:
    measured = [
        BandwidthSample(1_000_000, 30.0, 10.0),  # the first second of October
        BandwidthSample(1_100_000, None, None, "connection"),  # the link down: failed, in neither spread
        BandwidthSample(1_200_000, 50.0, None, "timeout"),  # the upload failed: the download still counts
        BandwidthSample(1_300_000, 45.0, 12.0),
        BandwidthSample(2_000_000, 20.0, 30.0),  # the first second of November
        BandwidthSample(2_500_000, 99.0, 99.0),  # now: outside the last month, which ends at now
    ]
    october, november = sla.bandwidth_months([OCTOBER, NOVEMBER], measured, 40)
    # October: downloads 30, 50, 45 → sorted 30, 45, 50: median 45, p10 rank ceil(0.3) = 1 → 30.
    # Uploads 10, 12: median 11, p10 rank ceil(0.2) = 1 → 10.
    assert october == sla.BandwidthMonth("2026-10", sla.Spread(45, 30, 3), sla.Spread(11, 10, 2), 40, 1)
    assert october.met is False  # download 45 ≥ 40, but upload 11 < 40
    assert november == sla.BandwidthMonth("2026-11", sla.Spread(20, 20, 1), sla.Spread(30, 30, 1), 40, 0)
    assert november.met is False  # 20 < 40


def test_met_in_each_direction_measured() -> None:
    def month(download: list[float], upload: list[float]) -> sla.BandwidthMonth:
        measured = [BandwidthSample(1_000_000 + i, d, None) for i, d in enumerate(download)]
        measured += [BandwidthSample(1_500_000 + i, None, u) for i, u in enumerate(upload)]
        (found,) = sla.bandwidth_months([OCTOBER], measured, 40)
        return found

    assert month([40], []).met is True  # median 40 ≥ 40, no upload measured
    assert month([39.999], []).met is False
    assert month([40, 41], [40]).met is True  # both directions reach the target
    assert month([50], [39]).met is False  # the upload misses it
    only_upload = month([], [50])
    assert (only_upload.download, only_upload.met) == (None, None)  # no download data: no verdict
    assert only_upload.failed == 0  # the upload moved data: not a failed measurement


def test_a_month_without_measurements_is_no_data_never_a_pass() -> None:
    (empty,) = sla.bandwidth_months([OCTOBER], [BandwidthSample(1_100_000, None, None, "dns")], 40)
    assert (empty.download, empty.upload, empty.failed, empty.met) == (None, None, 1, None)
