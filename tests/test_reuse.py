"""Settled pages kept from the last build: a page whose inputs have the same key (render.Settled.key) is not
made again, and anything it is made from changing makes it again.

A kept page is told apart from one made again and found identical by its bytes: the tests change a byte of a
built page and put back its size and modification time, as the record of the last build has them. A page
kept still holds the changed byte; a page made again does not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from statusgen import i18n
from statusgen.build import load_settings
from statusgen.model import Config, Text
from statusgen.output import PAGES, read_reuse
from statusgen.render import TEMPLATES, site_key
from statusgen.views import SiteView
from tests.conftest import DEMO_NOW, ROOT
from tests.test_build import build_demo, digest

LATER = "2026-11-26T10:30+08:00"
SEEN = "2015-05-10-contoh-3"  # an ended notice about sikap, in 2015
SETTLED = [
    "components/sikap/2015/index.html",
    "en/components/sikap/2015/index.html",
    f"incidents/{SEEN}/index.html",
    "history/2015/index.html",
    "components/sikap/2016/index.html",
    "components/spse/2015/index.html",
    "en/history/2014/index.html",
]


def mark(page: Path) -> None:
    """Change one byte of ``page`` (the doctype's first letter), keeping its size and modification time."""
    before = page.stat()
    data = page.read_bytes()
    assert data.startswith(b"<!doctype html>")
    page.write_bytes(b"<!Doctype" + data[len(b"<!doctype") :])
    os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))


def marked(page: Path) -> bool:
    return page.read_bytes().startswith(b"<!Doctype")


def one_more_probe_run(root: Path) -> None:
    with (root / "history" / "spse" / "2026-11.csv").open("a", encoding="utf-8") as month:
        month.write("2026-11-26T02:01:00Z,up,200,1004,,31\n")


@pytest.mark.slow
def test_a_settled_page_whose_inputs_are_the_same_is_kept_and_the_present_is_made_again(cli, demo, tmp_path) -> None:
    out = tmp_path / "site"
    build_demo(cli, demo, out, "--now", DEMO_NOW)
    for page in [*SETTLED, "index.html", "components/spse/2026/index.html", "components/spse/index.html"]:
        mark(out / page)
    one_more_probe_run(demo.root)
    build_demo(cli, demo, out, "--now", LATER)
    for page in SETTLED:
        assert marked(out / page), page  # kept: not made again
    for page in ("index.html", "components/spse/2026/index.html", "components/spse/index.html"):
        assert not marked(out / page), page  # the present: made again, at the new time
    assert "10.30 WITA" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_next_build_writes_over_the_site_the_last_retired(cli, demo, tmp_path) -> None:
    """The site a build retires is kept in its cache (.cache/statusgen/spare), and the next build writes over it:
    a file that did not change is still the one file of the site before (linked, not written again); one that
    changed is a new file, and the live site's copy is never written into; what the build no longer makes, and
    whatever else is in the spare (a stray file, a file where a folder goes, a folder where a file goes, a link
    leading out), is gone, and nothing outside is touched. The site is byte for byte a build from nothing."""
    out = tmp_path / "site"
    spare = demo.root / ".cache" / "statusgen" / "spare"
    build_demo(cli, demo, out, "--now", DEMO_NOW)
    assert not spare.exists()  # nothing to retire yet
    one_more_probe_run(demo.root)
    build_demo(cli, demo, out, "--now", LATER)
    assert (spare / "index.html").is_file() and not list(tmp_path.glob(".site.*"))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("luar", encoding="utf-8")
    (spare / "stray.html").write_text("lama", encoding="utf-8")
    shutil.rmtree(spare / "history")
    (spare / "history").write_text("a file where a folder goes", encoding="utf-8")
    (spare / "components" / "spse" / "index.html").unlink()
    (spare / "components" / "spse" / "index.html").mkdir()  # a folder where a file goes
    (spare / "components" / "link").symlink_to(outside, target_is_directory=True)
    shutil.rmtree(spare / "components" / "sikap")
    (spare / "components" / "sikap").symlink_to(outside, target_is_directory=True)  # where a folder goes
    held = tmp_path / "held.html"
    os.link(out / "index.html", held)  # the live home page, linked from elsewhere
    before = held.read_bytes()
    settled, recycled = (out / SETTLED[0]).stat().st_ino, spare.stat().st_ino
    with (demo.root / "history" / "spse" / "2026-11.csv").open("a", encoding="utf-8") as month:
        month.write("2026-11-26T02:31:00Z,up,200,1010,,31\n")
    build_demo(cli, demo, out, "--now", "2026-11-26T10:35+08:00")
    assert out.stat().st_ino == recycled  # the spare's folder is the site now
    assert held.read_bytes() == before  # a new file took its place: the live one was not written into
    assert b"10.35 WITA" in (out / "index.html").read_bytes() and b"10.35 WITA" not in before
    assert (out / SETTLED[0]).stat().st_ino == settled  # the same file, three builds on
    assert not (out / "stray.html").exists() and not (out / "components" / "link").exists()
    assert (out / "history").is_dir() and (out / "components" / "spse" / "index.html").is_file()
    assert not (out / "components" / "sikap").is_symlink() and (out / "components" / "sikap" / "index.html").is_file()
    assert [p.name for p in outside.iterdir()] == ["keep.txt"] and (outside / "keep.txt").read_text() == "luar"
    fresh = tmp_path / "fresh"
    build_demo(cli, demo, fresh, "--now", "2026-11-26T10:35+08:00", "--no-cache")
    assert digest(out) == digest(fresh)


@pytest.mark.slow
def test_an_incident_edited_makes_again_the_pages_that_show_it_and_only_those(cli, demo, tmp_path) -> None:
    out = tmp_path / "site"
    build_demo(cli, demo, out, "--now", DEMO_NOW)
    for page in SETTLED:
        mark(out / page)
    path = demo.root / "incidents" / f"{SEEN}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Pemberitahuan tentang SIKaP", "Pemberitahuan SIKaP"))
    build_demo(cli, demo, out, "--now", LATER)
    made_again = {
        "components/sikap/2015/index.html",  # lists it
        "en/components/sikap/2015/index.html",
        f"incidents/{SEEN}/index.html",  # is it
        "history/2015/index.html",  # lists it
    }
    for page in SETTLED:
        assert marked(out / page) == (page not in made_again), page
    assert "Pemberitahuan SIKaP" in (out / "history" / "2015" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_file_changed_in_the_output_folder_is_made_again(cli, demo, tmp_path) -> None:
    out = tmp_path / "site"
    build_demo(cli, demo, out, "--now", DEMO_NOW)
    changed, touched = out / "components/sikap/2015/index.html", out / "components/sikap/2016/index.html"
    mark(changed)
    changed.write_bytes(changed.read_bytes() + b"\n")  # another size: not the file the last build wrote
    mark(touched)
    os.utime(touched, ns=(0, 10**9))  # another time: not the file the last build wrote either
    build_demo(cli, demo, out, "--now", LATER)
    assert not marked(changed) and not marked(touched)


@pytest.mark.slow
def test_without_the_cache_nothing_is_kept_and_nothing_is_recorded(cli, demo, tmp_path) -> None:
    out = tmp_path / "site"
    build_demo(cli, demo, out, "--now", DEMO_NOW)
    mark(out / SETTLED[0])
    build_demo(cli, demo, out, "--now", LATER, "--no-cache")
    assert not marked(out / SETTLED[0])
    # Another output folder does not reuse this one's record, and takes it over.
    mark(out / SETTLED[0])
    build_demo(cli, demo, tmp_path / "other", "--now", LATER)
    assert read_reuse(demo.root / ".cache" / "statusgen", out) is None
    build_demo(cli, demo, out, "--now", LATER)
    assert not marked(out / SETTLED[0])


@pytest.mark.slow
def test_a_build_that_keeps_pages_is_byte_for_byte_a_build_from_nothing(cli, demo, tmp_path) -> None:
    """Step by step: a probe run, an incident added to a year that is over, one edited, status.yml edited, and
    the turn of the year (2026 becomes settled). After each, the site built on the last one's is the site built
    from nothing, with no cache, at the same moment."""
    out = tmp_path / "site"
    build_demo(cli, demo, out, "--now", DEMO_NOW)

    def same_as_from_nothing(now: str, name: str) -> None:
        build_demo(cli, demo, out, "--now", now)
        build_demo(cli, demo, tmp_path / name, "--now", now, "--no-cache")
        kept, fresh = digest(out), digest(tmp_path / name)
        assert kept == fresh, sorted(path for path in kept.keys() | fresh.keys() if kept.get(path) != fresh.get(path))

    one_more_probe_run(demo.root)
    same_as_from_nothing(LATER, "probed")
    (demo.root / "incidents" / "2013-04-02-listrik.md").write_text(
        "---\ntitle: Listrik padam\ncomponents: [spse, sikap]\nseverity: major\n"
        "started: 2013-04-02 09:00\nresolved: 2013-04-02 13:30\n---\nGenset rusak.\n",
        encoding="utf-8",
    )
    same_as_from_nothing("2026-11-26T11:00+08:00", "added")
    path = demo.root / "incidents" / f"{SEEN}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("resolved: 2015-05-10 19:20", "resolved: 2015-05-11 02:00")
    )
    same_as_from_nothing("2026-11-26T11:30+08:00", "edited")
    config = demo.config.read_text(encoding="utf-8")
    demo.config.write_text(config.replace("city: Banjarmasin", "city: Martapura"), encoding="utf-8")
    same_as_from_nothing("2026-11-26T12:00+08:00", "configured")
    same_as_from_nothing("2027-01-02T09:00+08:00", "new-year")
    settled = out / "components" / "spse" / "2026" / "index.html"
    assert "Isi halaman ini sudah tetap" in settled.read_text(encoding="utf-8")
    # A sample that reaches a month that is over, between two others: slow, so the day's minutes stay up and
    # only its probe statuses change (the calendar marks it slow).
    with (demo.root / "history" / "spse" / "2026-11.csv").open("a", encoding="utf-8") as month:
        month.write("2026-11-18T03:03:00Z,degraded,200,9000,,36\n")
    before = settled.read_bytes()
    same_as_from_nothing("2027-01-02T09:05+08:00", "late-sample")
    assert settled.read_bytes() != before


@pytest.mark.slow
def test_keys_are_the_same_in_every_process(demo, tmp_path) -> None:
    """Two builds in processes of their own, with different string hashing: the second keeps the settled pages
    of the first, so nothing in a key depends on the process (a set's order, an object's address)."""
    out = tmp_path / "site"
    command = [sys.executable, str(ROOT / "generate.py"), "build", "--config", str(demo.config), "--out", str(out)]
    for seed, now in (("1", DEMO_NOW), ("2", LATER)):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([*command, "--now", now], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        if seed == "1":
            for page in SETTLED:
                mark(out / page)
    assert all(marked(out / page) for page in SETTLED)
    record = (demo.root / ".cache" / "statusgen" / PAGES).read_text(encoding="utf-8")
    assert re.search(r'"components/sikap/2015/index.html":\["[0-9a-f]{64}",\d+,\d+\]', record)


def empty_view(config: Config, now: str) -> SiteView:
    return SiteView(config, datetime.fromisoformat(now), "operational", (), (), (), (), 0, (), (), {})


def test_the_site_key_follows_the_templates_the_messages_and_the_code(demo, tmp_path) -> None:
    config, _ = load_settings(demo.config)
    templates = tmp_path / "templates"
    shutil.copytree(TEMPLATES, templates)
    languages = i18n.languages(list(config.languages), templates / "locales")
    view = empty_view(config, DEMO_NOW)
    keys = [site_key(view, languages, templates)]
    assert site_key(view, languages, templates) == keys[0]  # the same inputs, the same key
    for name, old, new in (
        ("base.html", "<main", "<main data-x"),
        ("locales/en.yml", "\n", "\n# a comment\n"),
        ("static/style.css", "{", "{ "),
    ):
        path = templates / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
        keys.append(site_key(view, languages, templates))
    assert len(set(keys)) == 4
    assert site_key(view, languages[:1], templates) != keys[-1]  # another set of languages
    renamed = replace(config, title=Text("Lain"))
    assert site_key(empty_view(renamed, DEMO_NOW), languages, templates) != keys[-1]  # status.yml as read


def test_the_site_key_follows_the_name_of_the_zone_at_now(demo) -> None:
    """A settled page's footer names the zone: WITA all year; in Berlin, CET in winter and CEST in summer."""
    config, _ = load_settings(demo.config)
    languages = i18n.languages(list(config.languages), TEMPLATES / "locales")

    def key(zone: str, now: str) -> bytes:
        return site_key(empty_view(replace(config, timezone=ZoneInfo(zone)), now), languages, TEMPLATES)

    assert key("Asia/Makassar", "2027-01-15T12:00+08:00") == key("Asia/Makassar", "2027-07-15T12:00+08:00")
    assert key("Europe/Berlin", "2027-01-15T12:00+01:00") != key("Europe/Berlin", "2027-07-15T12:00+02:00")
    assert key("Europe/Berlin", "2027-01-15T12:00+01:00") == key("Europe/Berlin", "2027-02-15T12:00+01:00")


@pytest.mark.slow
def test_the_days_of_a_year_that_is_over_are_kept_until_they_change(cli, demo, tmp_path) -> None:
    out = tmp_path / "site"
    build_demo(cli, demo, out, "--now", DEMO_NOW)
    files = {year: out / f"api/v1/components/sikap/daily/{year}.json" for year in (2014, 2015, 2026)}
    for path in files.values():
        before = path.stat()
        path.write_bytes(path.read_bytes().replace(b'"sikap"', b'"SIKAP"', 1))
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    path = demo.root / "incidents" / f"{SEEN}.md"  # a notice about sikap in 2015, now a major outage
    path.write_text(path.read_text(encoding="utf-8").replace("severity: notice", "severity: major"), encoding="utf-8")
    build_demo(cli, demo, out, "--now", LATER)
    kept = {year: b'"SIKAP"' in path.read_bytes() for year, path in files.items()}
    assert kept == {2014: True, 2015: False, 2026: False}  # 2015's days changed; 2026 is not over
