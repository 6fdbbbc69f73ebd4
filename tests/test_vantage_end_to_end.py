"""From the real probe to the verdict: ``generate.py probe --vantage`` run for each place against a local HTTP
server on 127.0.0.1 whose answers the test switches between runs, then ``build --now`` a few seconds later (the
probe uses the clock) and the figures at that moment.

The places: ``github`` and ``jakarta`` (public) and ``kantor`` (inside, its uplink the component ``internet``,
whose two targets are addresses of the same server that the test can make fail, and whose bandwidth file is
served there too). Every place runs on this machine; what differs is what the server answers while it runs.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from statusgen.build import check_timeline, load
from statusgen.figures import Figures, site_figures
from statusgen.history import BANDWIDTH_HEADER, HEADER, parse_bandwidth
from tests.conftest import Run, Site
from tests.localhttp import LocalServer, QuietHandler

BIG = 2 * 1024 * 1024  # bytes the bandwidth file holds: more than the 1 MiB a figure needs


class Server(LocalServer):
    def __init__(self) -> None:
        super().__init__(Handler)
        self.app_up = True  # /app: the application
        self.link_up = True  # /t1, /t2 and /big: what lies beyond the office's link


class Handler(QuietHandler):
    server: Server

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        up = self.server.app_up if path == "/app" else self.server.link_up
        if path not in ("/app", "/t1", "/t2", "/big") or not up:
            self.reply(503, b"unavailable")
        elif path == "/big":
            self.reply(200, b"x" * BIG)
        else:
            self.reply(200, b"ok")


@pytest.fixture
def server() -> Iterator[Server]:
    started = Server()
    thread = threading.Thread(target=started.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield started
    started.shutdown()
    started.server_close()
    thread.join(5)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """requests honours proxy variables; no proxy may stand between the probe and 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


CONFIG = """\
title: Uji
base_url: https://example.github.io/status/
timezone: Asia/Makassar
vantages:
  - {{id: github, kind: public}}
  - {{id: jakarta, kind: public}}
  - {{id: kantor, kind: inside, uplink: internet}}
components:
  - id: spse
    name: SPSE
    probe: {{url: '{base}/app', timeout: 2, retries: 0, from: [github, jakarta, kantor]}}
  - id: internet
    name: Internet
    probe:
      targets: ['{base}/t1', '{base}/t2']
      timeout: 2
      retries: 0
      from: [kantor]
      bandwidth: {{url: '{base}/big', target_mbps: 8, seconds: 5, megabytes: 2}}
"""


class Places:
    """One site, its server, and the command line."""

    def __init__(self, site: Site, server: Server, cli: Callable[..., Run]) -> None:
        self.site, self.server, self.cli = site, server, cli

    def probe(self, vantage: str, app: bool = True, link: bool = True) -> str:
        self.server.app_up, self.server.link_up = app, link
        run = self.cli("probe", "--config", self.site.config, "--vantage", vantage)
        assert run.code == 0, run.err
        return run.out

    def moment(self) -> datetime:
        """A few seconds after the probes: the build's --now."""
        return datetime.fromtimestamp(int(time.time()) + 3, UTC)

    def build(self, now: datetime) -> dict[str, Any]:
        """Build at ``now``; the components of summary.json by id."""
        run = self.cli("build", "--config", self.site.config, "--out", self.site.out, "--now", now.isoformat())
        assert run.code == 0, run.err
        summary = json.loads(self.site.file("api/v2/summary.json"))
        return {c["id"]: c for c in summary["components"]}

    def figures(self, now: datetime) -> dict[str, Figures]:
        inputs = check_timeline(load(self.site.config, cache=False, processes=1), now)
        return site_figures(inputs.config, inputs.incidents, now, inputs.history, 1, inputs.vouched_from).components


@pytest.fixture
def places(make_site: Callable[..., Site], server: Server, cli: Callable[..., Run]) -> Places:
    return Places(make_site(CONFIG.format(base=server.base)), server, cli)


def vantages(component: dict[str, Any]) -> dict[str, str] | None:
    """``statusgen_vantages`` of a summary.json component, when the build writes it (None otherwise)."""
    return component.get("statusgen_vantages")


def test_down_from_one_public_place_only_is_partial(places: Places) -> None:
    places.probe("github", app=True)
    places.probe("jakarta", app=False)
    places.probe("kantor", app=True)
    now = places.moment()
    components = places.build(now)
    assert components["spse"]["statusgen_status"] == "partial_outage"
    assert components["spse"]["status"] == "partial_outage"
    if vantages(components["spse"]) is not None:
        assert vantages(components["spse"]) == {
            "github": "operational",
            "jakarta": "major_outage",
            "kantor": "operational",
        }
    spse = places.figures(now)["spse"]
    assert (spse.status, spse.down_from, spse.stale_places, spse.explanation) == (
        "partial_outage",
        ("jakarta",),
        (),
        None,  # a partial outage: the places say what each sees, nothing more
    )
    assert [(p.vantage, p.status) for p in spse.places] == [
        ("github", "operational"),
        ("jakarta", "major_outage"),
        ("kantor", "operational"),
    ]


def test_down_from_every_public_place_and_inside_too_is_the_application(places: Places) -> None:
    for vantage in ("github", "jakarta", "kantor"):
        places.probe(vantage, app=False)
    now = places.moment()
    components = places.build(now)
    assert components["spse"]["statusgen_status"] == "major_outage"
    assert components["internet"]["statusgen_status"] == "operational"  # the office's link works
    spse = places.figures(now)["spse"]
    assert (spse.status, spse.down_from, spse.explanation) == ("major_outage", (), "app_down")


def test_the_office_link_down_while_the_application_answers_inside(places: Places) -> None:
    places.probe("github", app=False)
    places.probe("jakarta", app=False)
    out = places.probe("kantor", app=True, link=False)  # both targets fail, and the bandwidth file too
    assert "internet: down 503" in out and "spse: up 200" in out, out
    now = places.moment()
    components = places.build(now)
    assert components["spse"]["statusgen_status"] == "major_outage"
    assert components["internet"]["statusgen_status"] == "major_outage"  # only the office probes it: it votes
    if vantages(components["internet"]) is not None:
        assert vantages(components["internet"]) == {"kantor": "major_outage"}
    figures = places.figures(now)
    assert figures["spse"].explanation == "link_down"
    # The measurement that moved nothing is recorded with its error, counted apart, in no figure.
    folder = places.site.root / "history" / "internet" / "@kantor"
    (path,) = folder.glob("bandwidth-????-??.csv")
    header, line = path.read_text(encoding="utf-8").splitlines()
    assert header == ",".join(BANDWIDTH_HEADER)
    measured = parse_bandwidth(line.split(","))
    assert (measured.download_mbps, measured.upload_mbps, measured.error) == (None, None, "status")
    (month,) = figures["internet"].bandwidth
    assert (month.download, month.failed, month.met) == (None, 1, None)


def test_the_application_runs_inside_but_cannot_be_reached_from_outside(places: Places) -> None:
    places.probe("github", app=False)
    places.probe("jakarta", app=False)
    places.probe("kantor", app=True, link=True)
    now = places.moment()
    assert places.figures(now)["spse"].explanation == "runs_inside"


def test_bandwidth_is_measured_recorded_and_counted(places: Places) -> None:
    out = places.probe("kantor")
    assert "internet: bandwidth download " in out, out
    folder = places.site.root / "history" / "internet" / "@kantor"
    (path,) = folder.glob("bandwidth-????-??.csv")
    header, line = path.read_text(encoding="utf-8").splitlines()
    assert header == ",".join(BANDWIDTH_HEADER)
    measured = parse_bandwidth(line.split(","))
    assert measured.download_mbps is not None and measured.download_mbps > 0
    assert (measured.upload_mbps, measured.error) == (None, None)  # no upload_url: the download alone
    (samples,) = folder.glob("????-??.csv")
    assert samples.read_text(encoding="utf-8").splitlines()[0] == ",".join(HEADER)
    now = places.moment()
    places.build(now)
    (month,) = places.figures(now)["internet"].bandwidth
    assert month.download is not None
    # One measurement: its median and 10th percentile are itself (the median rounded to 3 places, as written).
    assert (month.download.samples, month.download.median, month.download.p10) == (
        1,
        measured.download_mbps,
        measured.download_mbps,
    )
    assert (month.upload, month.failed, month.target) == (None, 0, 8.0)
    assert month.met is (measured.download_mbps >= 8.0)


def test_a_stale_public_place_does_not_vote(places: Places) -> None:
    # jakarta's newest sample, written by hand, is 40 minutes old at the build (stale_after: 30) and says down.
    moment = int(time.time()) - 40 * 60
    written = datetime.fromtimestamp(moment, UTC)
    folder = places.site.root / "history" / "spse" / "@jakarta"
    folder.mkdir(parents=True)
    (folder / f"{written:%Y-%m}.csv").write_text(
        ",".join(HEADER) + f"\n{written:%Y-%m-%dT%H:%M:%SZ},down,503,5,status,\n", encoding="utf-8"
    )
    places.probe("github", app=True)
    places.probe("kantor", app=True)
    now = places.moment()
    components = places.build(now)
    assert components["spse"]["statusgen_status"] == "operational"  # github, fresh, sees it up
    if vantages(components["spse"]) is not None:
        # jakarta has no data now, which the Statuspage words cannot say: operational, as a component's own
        assert vantages(components["spse"]) == {
            "github": "operational",
            "jakarta": "operational",
            "kantor": "operational",
        }
    spse = places.figures(now)["spse"]
    assert (spse.status, spse.stale_places, spse.down_from) == ("operational", ("jakarta",), ())
    jakarta = next(p for p in spse.places if p.vantage == "jakarta")
    assert jakarta.status == "no_data"
    assert jakarta.latest is not None and jakarta.latest.time == moment


def test_every_public_place_stale_is_no_data_whatever_the_office_sees(places: Places) -> None:
    # Only the office reports: the public places never did, so nobody votes on what the public sees.
    places.probe("kantor", app=True)
    now = places.moment()
    components = places.build(now)
    assert components["spse"]["statusgen_status"] == "no_data"
    spse = places.figures(now)["spse"]
    assert (spse.status, spse.stale_places, spse.explanation) == ("no_data", ("github", "jakarta"), None)
    assert places.figures(now)["internet"].status == "operational"  # the link, probed from inside only
