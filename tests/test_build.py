"""The build as a whole: command line, determinism, atomic output, links and pages."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from statusgen import output
from tests.conftest import DEMO_NOW, ROOT
from tests.demo_server import SIRUP_INCIDENT

DEMO_EPOCH = "1795658400"  # 2026-11-26T02:00:00Z = 2026-11-26 10:00 WITA = DEMO_NOW


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def build_demo(cli, demo, out: Path, *extra: str) -> None:
    run = cli("build", "--config", demo.config, "--out", out, *extra)
    assert run.code == 0, run.err


def test_demo_epoch_is_demo_now() -> None:
    from datetime import UTC, datetime

    assert datetime.fromtimestamp(int(DEMO_EPOCH), UTC).isoformat() == "2026-11-26T02:00:00+00:00"


@pytest.mark.slow
def test_two_builds_are_byte_identical(cli, demo, tmp_path) -> None:
    build_demo(cli, demo, tmp_path / "a", "--now", DEMO_NOW)
    build_demo(cli, demo, tmp_path / "b", "--now", DEMO_NOW)
    first, second = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert len(first) > 80
    assert first == second


@pytest.mark.slow
def test_a_later_build_leaves_every_settled_page_as_it_was(cli, demo, tmp_path) -> None:
    # One more probe run and half an hour later: the pages that show the present change; a year that is over
    # and an incident that has ended do not, not even the footer (it prints no build time on them).
    build_demo(cli, demo, tmp_path / "a", "--now", DEMO_NOW)
    with (demo.root / "history" / "spse" / "2026-11.csv").open("a", encoding="utf-8") as month:
        month.write("2026-11-26T02:01:00Z,up,200,1004,,31\n")
    build_demo(cli, demo, tmp_path / "b", "--now", "2026-11-26T10:30+08:00")
    before, after = digest(tmp_path / "a"), digest(tmp_path / "b")
    assert before.keys() == after.keys()
    changed = {path for path in before if before[path] != after[path]}
    for prefix in ("", "en/"):
        for year in range(2011, 2026):
            assert f"{prefix}components/spse/{year}/index.html" not in changed
            assert f"{prefix}history/{year}/index.html" not in changed
        assert f"{prefix}incidents/2021-09-19-kabel-laut-contoh/index.html" not in changed  # resolved
        assert f"{prefix}index.html" in changed and f"{prefix}components/spse/2026/index.html" in changed
        assert f"{prefix}{SIRUP_INCIDENT}index.html" in changed  # still going: "not ended as of …"
    settled = (tmp_path / "b" / "components" / "spse" / "2015" / "index.html").read_text(encoding="utf-8")
    assert "Isi halaman ini sudah tetap" in settled and "Halaman dibuat" not in settled
    pages = [path for path in before if path.endswith(".html")]
    assert len([path for path in changed if path.endswith(".html")]) < len(pages) / 3


@pytest.mark.slow
def test_now_comes_from_source_date_epoch_unless_given(cli, demo, tmp_path, monkeypatch) -> None:
    build_demo(cli, demo, tmp_path / "flag", "--now", DEMO_NOW)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", DEMO_EPOCH)
    build_demo(cli, demo, tmp_path / "epoch")
    assert digest(tmp_path / "epoch") == digest(tmp_path / "flag")
    # --now wins over SOURCE_DATE_EPOCH.
    build_demo(cli, demo, tmp_path / "later", "--now", "2026-11-27T10:00+08:00")
    assert "Jumat, 27 November 2026 pukul 10.00 WITA" in (tmp_path / "later" / "index.html").read_text()


@pytest.mark.slow
def test_bare_command_is_build(demo, tmp_path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}
    script = str(ROOT / "generate.py")
    bare = subprocess.run([sys.executable, script], cwd=demo.root, env=env, capture_output=True, text=True)
    assert bare.returncode == 0, bare.stderr
    first = digest(demo.root / "site")
    explicit = subprocess.run(
        [sys.executable, script, "build", "--out", str(tmp_path / "explicit")],
        cwd=demo.root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert explicit.returncode == 0, explicit.stderr
    assert digest(tmp_path / "explicit") == first


def test_invalid_input_exits_1_without_traceback(demo) -> None:
    (demo.root / "incidents" / "2026-01-01-rusak.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(ROOT / "generate.py"), "check"], cwd=demo.root, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(os.path.join("incidents", "2026-01-01-rusak.md") + ":")


@pytest.mark.parametrize(
    "args",
    [
        ["frobnicate"],
        ["build", "--now", "besok pagi"],
        ["build", "--no-such-flag"],
    ],
)
def test_bad_usage_exits_2(cli, demo, args) -> None:
    if "--now" in args:
        args = [*args, "--config", str(demo.config), "--out", str(demo.root / "out")]
    run = cli(*args)
    assert run.code == 2
    assert not (demo.root / "out").exists()


def test_bad_source_date_epoch_is_bad_usage(cli, demo, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "kemarin")
    run = cli("build", "--config", demo.config, "--out", demo.out)
    assert run.code == 2
    assert "SOURCE_DATE_EPOCH 'kemarin' is not a whole number" in run.err


def test_check_writes_nothing_and_exits_0_when_clean(cli, demo) -> None:
    before = digest(demo.root)
    run = cli("check", "--config", demo.config, "--strict")
    assert run.code == 0, run.err
    assert digest(demo.root) == before


def leftovers(root: Path) -> list[str]:
    """Hidden entries beside the site other than the history cache: a staging or retired folder left behind."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".") and p.name != ".cache")


@pytest.mark.slow
def test_a_build_refused_for_bad_input_leaves_the_old_site(cli, demo) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    before = digest(demo.out)
    (demo.root / "incidents" / "2026-11-26-rusak.md").write_text(
        "---\ntitle: Rusak\ncomponents: [spse]\nseverity: mayor\nstarted: 2026-11-26 09:00\n---\n", encoding="utf-8"
    )
    run = cli("build", "--config", demo.config, "--out", demo.out, "--now", "2026-11-27T10:00+08:00")
    assert run.code == 1
    assert digest(demo.out) == before
    assert leftovers(demo.root) == []


@pytest.mark.slow
def test_a_build_failing_while_writing_leaves_the_old_site(cli, demo, monkeypatch) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    before = digest(demo.out)
    written = []
    real_write = Path.write_bytes

    def failing_write(self: Path, data: bytes) -> int:
        written.append(self)
        if len(written) == 20:
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing_write)
    with pytest.raises(OSError):
        output.write_site(demo.out, {f"page-{n}.html": b"x" for n in range(50)})
    monkeypatch.undo()
    assert digest(demo.out) == before
    assert leftovers(demo.root) == []  # no staging left behind


def test_output_that_would_overwrite_sources_is_refused(cli, demo) -> None:
    before = digest(demo.root)
    run = cli("build", "--config", demo.config, "--out", demo.root, "--now", DEMO_NOW)
    assert run.code == 2
    assert "would replace" in run.err
    stranger = demo.root / "notes"
    stranger.mkdir()
    (stranger / "keep.txt").write_text("penting")
    run = cli("build", "--config", demo.config, "--out", stranger, "--now", DEMO_NOW)
    assert run.code == 2
    assert "is not a site this generator built" in run.err
    assert (stranger / "keep.txt").read_text() == "penting"
    # A folder with an index.html of its own is not a built site either.
    (stranger / "index.html").write_text("<p>halaman lain</p>")
    assert cli("build", "--config", demo.config, "--out", stranger, "--now", DEMO_NOW).code == 2
    assert (stranger / "index.html").read_text() == "<p>halaman lain</p>"
    # Everything but the history cache (which reading the inputs may fill) is as it was.
    unchanged = {k: v for k, v in digest(demo.root).items() if not k.startswith(("notes", ".cache/"))}
    assert unchanged == {k: v for k, v in before.items() if not k.startswith(".cache/")}


@pytest.mark.parametrize("folder", ["templates", "statusgen", "incidents", "templates/static"])
def test_output_in_the_generator_or_its_sources_is_refused(cli, demo, folder) -> None:
    before = digest(ROOT / "templates")
    target = demo.root / folder if folder == "incidents" else ROOT / folder
    run = cli("build", "--config", demo.config, "--out", target / "site" if folder == "incidents" else target)
    assert run.code == 2, run.err
    assert digest(ROOT / "templates") == before


@pytest.mark.slow
def test_a_gh_pages_checkout_keeps_its_repository_and_cname(cli, demo) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    (demo.out / ".git").mkdir()
    (demo.out / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (demo.out / "CNAME").write_text("status.example.org\n")
    (demo.out / "stale.html").write_text("from an older build")
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    assert (demo.out / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (demo.out / "CNAME").read_text() == "status.example.org\n"
    assert not (demo.out / "stale.html").exists()


@pytest.mark.slow
def test_a_failed_swap_puts_the_old_site_back(cli, demo, monkeypatch) -> None:
    """Without a one-step exchange (not Linux), the old site is renamed aside, then the new one in:
    when the second rename fails, the first is undone."""
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    (demo.out / "CNAME").write_text("status.example.org\n")
    before = digest(demo.out)
    real_rename = Path.rename

    def rename(self: Path, target):
        if self.name.startswith(".site.new-") and Path(target).name == "site":
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(output, "_exchange", lambda first, second: False)
    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError):
        output.write_site(demo.out, {"index.html": b"baru"})
    monkeypatch.undo()
    assert digest(demo.out) == before
    assert leftovers(demo.root) == []


@pytest.mark.slow
def test_a_failed_exchange_keeps_the_old_site(cli, demo, monkeypatch) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    before = digest(demo.out)

    def exchange(first: Path, second: Path) -> bool:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(output, "_exchange", exchange)
    with pytest.raises(OSError):
        output.write_site(demo.out, {"index.html": b"baru"})
    monkeypatch.undo()
    assert digest(demo.out) == before
    assert leftovers(demo.root) == []


@pytest.mark.slow
def test_the_swap_is_one_exchange_on_linux(cli, demo, monkeypatch) -> None:
    """The two folders change places in one system call: no instant without a site."""
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    calls = []
    real = output._exchange

    def exchange(first: Path, second: Path) -> bool:
        calls.append((first.name, second.name[:10]))
        done = real(first, second)
        assert done, "renameat2(RENAME_EXCHANGE) is available on Linux"
        return done

    monkeypatch.setattr(output, "_exchange", exchange)
    monkeypatch.setattr(Path, "rename", lambda self, target: pytest.fail(f"renamed {self} to {target}"))
    output.write_site(demo.out, {"index.html": b"baru", output.MARKER: b"{}"})
    monkeypatch.undo()
    assert calls == [("site", ".site.new-")]
    assert (demo.out / "index.html").read_bytes() == b"baru"
    assert leftovers(demo.root) == []


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.urls.append((tag, name, value))


@pytest.mark.slow
def test_every_internal_link_works_under_the_sub_path(cli, demo) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    pages = sorted(demo.out.rglob("*.html"))
    assert len(pages) > 70
    checked = 0
    for page in pages:
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attribute, url in parser.urls:
            if attribute == "src":
                # The one script is the optional browser check, from the site itself, on the home pages.
                assert (tag, url) == ("script", "/status-demo/static/check.js"), (page, url)
                assert page.relative_to(demo.out).as_posix() in ("index.html", "en/index.html"), page
            if url.startswith("#") or url.startswith("mailto:") or url.startswith("tel:"):
                continue
            if url.startswith("https://") or url.startswith("http://"):
                # Absolute links are for readers to follow, never loaded by the page itself.
                assert tag == "a" or url.startswith("https://example.github.io/status-demo/"), (page, url)
                continue
            assert url.startswith("/status-demo/"), (page, url)
            target = demo.out / url.removeprefix("/status-demo/").split("#")[0]
            if url.split("#")[0].endswith("/"):
                target = target / "index.html"
            assert target.is_file(), (page, url)
            checked += 1
    assert checked > 500  # a sanity floor: the demo has ~800 internal links


@pytest.mark.slow
def test_index_marks_components_and_banner_for_scripts(cli, demo) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    html = demo.file("index.html")
    found = dict(re.findall(r'data-component="([a-z0-9-]+)" data-status="([a-z_]+)"', html))
    # At 2026-11-26 10:00 WITA: SiRUP has an ongoing partial incident, Listrik a maintenance
    # window 09:00–12:00, the SPSE maintenance is only scheduled (29 Nov). By the probes: SPSE's
    # newest sample (09:56) is up, SIKaP's (09:57) is slow, so degraded; the internet probe's
    # newest sample is from 06:58, older than 30 minutes, so no recent data rather than green.
    assert found == {
        "spse": "operational",
        "ruang-bidding": "operational",
        "sikap": "degraded_performance",
        "sirup": "partial_outage",
        "internet": "no_data",
        "listrik": "under_maintenance",
    }
    assert re.search(r'class="banner[^"]*" data-status="partial_outage"', html)
    assert "Sebagian layanan mengalami gangguan" in html
    assert "Gangguan sebagian" in html and "Sedang pemeliharaan" in html  # status in words, not colour


@pytest.mark.slow
def test_index_sections(cli, demo) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    html = demo.file("index.html")

    def section(heading_id: str) -> str:
        start = html.index(f'id="{heading_id}"')
        end = html.find("<section", start)
        return html[start : end if end != -1 else len(html)]

    active = re.findall(r'data-incident="([^"]+)"', section("gangguan-aktif"))
    assert active == ["2026-11-26-pemeliharaan-genset", "2026-11-26-sirup-gangguan"]
    upcoming = re.findall(r'data-incident="([^"]+)"', section("terjadwal"))
    assert upcoming == ["2026-11-29-pemeliharaan-spse"]
    recent_part = html[html.index('id="terbaru"') :]
    recent = re.findall(r'data-incident="([^"]+)"', recent_part)
    # Ended within 14 days of 26 Nov 10:00, newest first; nothing ongoing or upcoming.
    assert recent == [
        "2026-11-25-catatan-tanpa-pembaruan",
        "2026-11-24-internet-lambat",
        "2026-11-22-alarm-palsu-spse",
        "2026-11-20-spse-mati",
    ]
    assert 'Halaman dibuat <time datetime="2026-11-26T10:00:00+08:00">Kamis, 26 November 2026 pukul 10.00 WITA' in html


def test_ninety_day_bar_and_uptime_figure(cli, make_site) -> None:
    site = make_site()
    site.incident(
        "2021-09-19-mati",
        """
        ---
        title: SPSE mati
        components: [spse]
        severity: major
        started: 2021-09-19 10:00
        resolved: 2021-09-19 13:36
        updates: []
        ---
        """,
    )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-20T00:00").code == 0
    html = site.file("index.html")
    spse = html[html.index('data-component="spse"') : html.index('data-component="sikap"')]
    cells = re.findall(r'<li class="day day-([a-z]+)"><span class="vh">([^<]*)</span>', spse)
    assert len(cells) == 90
    # The window ends on 20 Sep (today, 0 minutes so far: no data) and starts 89 days earlier, 23 Jun.
    assert cells[0][1].startswith("Rabu, 23 Juni 2021")
    assert cells[-1] == ("nodata", "Senin, 20 September 2021; Tidak ada data")
    # 19 Sep: 216 min down of 1440 → 85 %, below 95 → "major"
    assert cells[-2] == (
        "major",
        "Minggu, 19 September 2021; Gangguan total; ketersediaan 85,00%; gangguan setara 3 jam 36 menit; "
        "sumber: catatan gangguan; SPSE mati",
    )
    # 90-day figure: 216 min down over 89 full days (128160 min): 100 × (1 − 216/128160) = 99.8315…
    assert "Ketersediaan 90 hari: <strong>99,831%</strong>" in spse


@pytest.mark.slow
def test_incident_page_shows_times_in_wita_with_offsets(cli, demo) -> None:
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    html = demo.file("incidents/2021-09-19-kabel-laut-contoh/index.html")
    # Written as 17:33+07:00 (WIB): shown in WITA, machine-readable with the offset.
    assert '<time datetime="2021-09-19T18:33:00+08:00">Minggu, 19 September 2021 pukul 18.33 WITA</time>' in html
    assert '<time datetime="2021-09-20T09:00:00+08:00">Senin, 20 September 2021 pukul 09.00 WITA</time>' in html
    assert "<dd>14 jam 27 menit</dd>" in html  # 18:33 → 09:00
    assert "<dd>Internet (contoh), SPSE (contoh)</dd>" in html
    assert "<dd>Eksternal (nasional)</dd>" in html
    # Timeline newest first.
    order = [html.index(s) for s in ("Jalur cadangan stabil", "Lalu lintas dialihkan", "Kabel laut <strong>")]
    assert order == sorted(order)
    assert "<table>" in html and "<script" not in html and "javascript:" not in html


def test_history_has_every_year_and_says_when_a_year_is_empty(cli, make_site) -> None:
    site = make_site()
    site.incident(
        "2013-05-01-mati",
        "---\ntitle: Mati 2013\ncomponents: [spse]\nseverity: major\n"
        "started: 2013-05-01 10:00\nresolved: 2013-05-01 11:00\nupdates: []\n---\n",
    )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2015-02-01T00:00").code == 0
    index = site.file("history/index.html")
    for year in range(2011, 2016):
        assert f'href="/status/history/{year}/"' in index
        assert (site.out / "history" / str(year) / "index.html").is_file()
    assert "Tidak ada gangguan tercatat pada tahun 2012." in site.file("history/2012/index.html")
    year_2013 = site.file("history/2013/index.html")
    assert "Mati 2013" in year_2013 and '<h2 id="bulan-1">Mei 2013</h2>' in year_2013


def test_bar_days_take_the_worst_severity_that_touched_them(cli, make_site) -> None:
    site = make_site()
    incidents = {
        "2021-09-17-sebagian": ("partial", "2021-09-17 10:00", "2021-09-17 10:30"),
        "2021-09-17-lambat": ("degraded", "2021-09-17 09:00", "2021-09-17 12:00"),
        "2021-09-18-lambat": ("degraded", "2021-09-18 09:00", "2021-09-18 12:00"),
        "2021-09-19-catatan": ("notice", "2021-09-19 09:00", "2021-09-19 09:00"),
        "2021-09-19-pemeliharaan": ("maintenance", "2021-09-19 22:00", "2021-09-20 02:00"),
    }
    for slug, (severity, started, resolved) in incidents.items():
        site.incident(
            slug,
            f"---\ntitle: {slug}\ncomponents: [spse]\nseverity: {severity}\n"
            f"started: {started}\nresolved: {resolved}\nupdates: []\n---\n",
        )
    assert cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-20T12:00").code == 0
    html = site.file("index.html")
    spse = html[html.index('data-component="spse"') : html.index('data-component="sikap"')]
    levels = re.findall(r'<li class="day day-([a-z]+)"', spse)
    # 17th partial (30 min × 0.3 = 9 min: 99.375 %) beats degraded; 18th degraded only; 19th a notice and
    # a maintenance window from 22:00 (maintenance wins over a notice); 20th maintenance until 02:00.
    assert levels[-5:] == ["ok", "partial", "degraded", "maintenance", "maintenance"]
    assert "Jumat, 17 September 2021; Gangguan sebagian; ketersediaan 99,38%; gangguan setara 9 menit" in spse


@pytest.mark.slow
def test_the_build_works_offline(cli, demo, monkeypatch) -> None:
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the build tried to open a network connection")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    build_demo(cli, demo, demo.out, "--now", DEMO_NOW)
    assert (demo.out / "index.html").is_file()


@pytest.mark.slow
def test_an_outage_dated_in_the_future_is_refused(cli, make_site) -> None:
    """Only maintenance is announced ahead. An outage dated ahead (a typo in the year) would claim an
    outage that has not happened: it is an error, in check and in build, and the old site stays."""
    site = make_site()
    site.incident(
        "2021-09-19-mati",
        "---\ntitle: Mati\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 10:00\n"
        "resolved: 2021-09-19 11:00\nupdates:\n"
        "  - at: 2021-09-19 10:05\n    status: investigating\n    message: Diselidiki.\n"
        "  - at: 2021-09-19 11:00\n    status: resolved\n    message: Pulih nanti.\n---\n",
    )
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T10:30")
    assert run.code == 0, run.err
    before = digest(site.out)
    typo = site.incident(
        "2031-09-19-salah-tahun",
        "---\ntitle: Salah tahun\ncomponents: [spse]\nseverity: major\nstarted: 2031-09-19 10:00\nupdates: []\n---\n",
    )
    refusal = (
        f"{typo}:5: starts after now (2031-09-19 10:00 is in the future): only maintenance may be announced ahead "
        "(severity: maintenance); otherwise correct the date"
    )
    for command in (["check"], ["build", "--out", str(site.out), "--now", "2021-09-19T10:30"]):
        run = cli(*command, "--config", site.config)
        assert run.code == 1
        assert run.err.splitlines()[0] == refusal, run.err
        assert run.err.splitlines()[-1].endswith("nothing was written.")
    assert digest(site.out) == before
    typo.unlink()
    run = cli("build", "--config", site.config, "--out", site.out, "--now", "2021-09-19T10:30")
    assert run.code == 0, run.err
    index = site.file("index.html")
    assert 'data-component="spse" data-status="major_outage"' in index
    # The 11:00 update is after now (10:30): not on the page, not in the feed.
    page = site.file("incidents/2021-09-19-mati/index.html")
    assert "Diselidiki." in page and "Pulih nanti." not in page
    feed = site.file("feed.xml")
    assert "Pulih nanti." not in feed and "Salah tahun" not in feed
    assert "<lastBuildDate>Sun, 19 Sep 2021 10:05:00 +0800</lastBuildDate>" in feed
