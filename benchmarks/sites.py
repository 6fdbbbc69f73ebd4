"""Synthetic sites for the benchmark, made deterministically from a seed.

Every site is a folder with ``status.yml``, ``incidents/`` and (when asked) ``history/``, in
the formats staff and the probes write. The same arguments always give the same bytes.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml

# The moment every benchmark builds for: fixed, so runs compare like with like.
NOW = datetime(2026, 11, 26, 2, 0, tzinfo=UTC)
NOW_ARG = "2026-11-26T10:00+08:00"
FIRST = date(2011, 1, 1)
SEVERITIES = ("major", "partial", "degraded", "notice")
HEADER = "time,status,http_status,latency_ms,error,cert_days\n"
_PROSE = (
    "layanan spse tidak dapat diakses oleh penyedia karena gangguan jaringan di pusat data pemerintah provinsi "
    "sehingga unggah dokumen penawaran gagal dan tim teknis sedang melakukan pemeriksaan server serta koneksi"
)
WORDS = tuple(_PROSE.split(" "))


@dataclass(frozen=True)
class Size:
    """What one synthetic site holds."""

    incidents: int
    components: int
    languages: tuple[str, ...] = ("id",)
    raw_days: int = 0  # days of 5-minute probe samples before NOW, per probed component
    rollup_years: int = 0  # years of compacted history before the raw days
    seed: int = 2011


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


# What staff write in updates besides words: Markdown emphasis, a question, a share, an address. The
# first update of one incident in three carries one, in a form YAML quotes ('**...' starts with '*') or
# leaves plain; the choice follows the incident's number, so the random draws, and all else, stay the same.
MARKS = (
    "**Penting:** {text}",
    "{text} Apakah sudah bisa diakses?",
    "{text} Sekitar 40% penyedia terdampak.",
    "{text} Hubungi helpdesk@lpse.example.org atau *call center*.",
    "*{text}*",
    "{text} Lihat `status.yml` & **jadwal**.",
)


def marked(text: str, number: int) -> str:
    """``text`` with one of MARKS when ``number`` is a multiple of 3, else ``text`` as it is."""
    return MARKS[number // 3 % len(MARKS)].format(text=text) if number % 3 == 0 else text


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local(moment: datetime) -> str:
    """A time as staff write it: WITA wall clock."""
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def config_text(size: Size) -> str:
    probed = size.raw_days > 0 or size.rollup_years > 0
    document: dict[str, object] = {
        "title": "Status Layanan Contoh",
        "base_url": "https://example.github.io/status/",
        "languages": list(size.languages),
        "timezone": "Asia/Makassar",
        "history_start": FIRST.isoformat(),
        "components": [],
    }
    components = []
    for n in range(size.components):
        item: dict[str, object] = {"id": f"c{n:02d}", "name": f"Layanan {n:02d}", "group": f"Kelompok {n // 5}"}
        if probed:
            item["probe"] = {"url": f"https://c{n:02d}.example.org/", "degraded_ms": 5000}
        components.append(item)
    document["components"] = components
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def incident_text(rng: random.Random, number: int, size: Size) -> tuple[str, str]:
    """(file name, content) of one synthetic incident, spread evenly over 2011 until a week ago."""
    span = (NOW - timedelta(days=7)) - datetime(2011, 1, 2, tzinfo=UTC)
    start = datetime(2011, 1, 2, tzinfo=UTC) + span * ((number + rng.random()) / size.incidents)
    start = start.replace(second=0, microsecond=0)
    maintenance = rng.random() < 0.1
    length = timedelta(minutes=rng.choice((15, 40, 90, 180, 600, 1500, 3000)))
    end = start + length
    count = rng.randint(1, min(3, size.components))
    components = sorted(rng.sample(range(size.components), count))
    front: dict[str, object] = {
        "title": sentence(rng, 6)[:-1],
        "components": [f"c{n:02d}" for n in components],
        "severity": "maintenance" if maintenance else rng.choice(SEVERITIES),
        "cause": "internal" if maintenance else rng.choice(("internal", "internal", "external")),
        "started": local(start),
        "resolved": local(end),
    }
    steps = ["scheduled", "in_progress", "completed"] if maintenance else ["investigating", "identified", "resolved"]
    updates = []
    for index, status in enumerate(steps):
        at = start + length * index / (len(steps) - 1)
        at = at.replace(second=0, microsecond=0)
        message = sentence(rng, 14)
        message = marked(message, number) if index == 0 else message
        updates.append({"at": local(at), "status": status, "message": message})
    if maintenance:
        updates[0]["at"] = local(start - timedelta(days=2))
    front["updates"] = list(reversed(updates))
    body = f"{sentence(rng, 25)}\n\n- {sentence(rng, 8)}\n- {sentence(rng, 8)}\n\n**{sentence(rng, 6)}**\n"
    if "en" in size.languages:
        front["en"] = {"title": f"Synthetic incident {number}", "body": f"An invented record, number {number}.\n"}
    name = f"{local(start)[:10]}-insiden-{number:05d}.md"
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=120) + "---\n" + body
    return name, text


def samples(rng: random.Random, start: datetime, end: datetime) -> dict[str, list[str]]:
    """5-minute samples from ``start`` to ``end``, by UTC month: mostly up, a failure about daily."""
    months: dict[str, list[str]] = {}
    moment, down, slow = start, 0, 0
    while moment < end:
        if rng.random() < 1 / 288:
            down = rng.randint(1, 6)
        if rng.random() < 2 / 288:
            slow = rng.randint(1, 4)
        if down:
            row, down = "down,,,timeout,", down - 1
        elif slow:
            row, slow = f"degraded,200,{rng.randint(5000, 9000)},,40", slow - 1
        else:
            row = f"up,200,{rng.randint(80, 400)},,40"
        months.setdefault(moment.strftime("%Y-%m"), []).append(f"{stamp(moment)},{row}\n")
        moment += timedelta(minutes=5)
    return months


def rollups(rng: random.Random, start: datetime, end: datetime) -> tuple[list[str], list[str], list[str]]:
    """Compacted history (runs, daily lines, compacted months) from ``start`` to ``end``, as compaction writes it.

    Each UTC day is up, with one failure of a few samples about every other day.
    """
    runs: list[str] = []
    daily: list[str] = []
    months: list[str] = []
    day = start
    while day < end:
        month = day.strftime("%Y-%m")
        if not months or months[-1].split(",")[0] != month:
            months.append(f"{month},0,0\n")
        down = rng.randint(1, 6) if rng.random() < 0.5 else 0
        edges = [day]
        if down:
            at = day + timedelta(minutes=5 * rng.randint(0, 280))
            edges += [at, at + timedelta(minutes=5 * down)]
        edges.append(day + timedelta(days=1))
        for index, (left, right) in enumerate(itertools.pairwise(edges)):
            if right > left:
                status = "down" if index == 1 and down else "up"
                runs.append(f"{month},{stamp(left)},{stamp(right)},{status}\n")
        samples_count = 288
        daily.append(f"{day:%Y-%m-%d},{samples_count},{samples_count - down},0,{down},180,390\n")
        day += timedelta(days=1)
    return runs, daily, months


def make_site(root: Path, size: Size) -> Path:
    """Write the site for ``size`` into ``root`` (created); returns the path of its ``status.yml``."""
    rng = random.Random(size.seed)
    (root / "incidents").mkdir(parents=True)
    (root / "status.yml").write_text(config_text(size), encoding="utf-8")
    names: set[str] = set()
    for number in range(size.incidents):
        name, text = incident_text(rng, number, size)
        assert name not in names
        names.add(name)
        (root / "incidents" / name).write_text(text, encoding="utf-8")
    if size.raw_days or size.rollup_years:
        raw_start = (NOW - timedelta(days=size.raw_days)).replace(day=1, hour=0, minute=0)
        rollup_start = raw_start.replace(year=raw_start.year - size.rollup_years)
        for n in range(size.components):
            folder = root / "history" / f"c{n:02d}"
            folder.mkdir(parents=True)
            if size.rollup_years:
                runs, daily, months = rollups(rng, rollup_start, raw_start)
                (folder / "runs.csv").write_text("month,start,end,status\n" + "".join(runs))
                (folder / "daily.csv").write_text("date,samples,up,degraded,down,median_ms,p95_ms\n" + "".join(daily))
                counts: dict[str, int] = {}
                for line in runs:
                    counts[line[:7]] = counts.get(line[:7], 0) + 1
                (folder / "compacted.csv").write_text(
                    "month,runs,days\n" + "".join(f"{m[:7]},{counts.get(m[:7], 0)},0\n" for m in months)
                )
            for month, rows in samples(rng, raw_start, NOW).items():
                (folder / f"{month}.csv").write_text(HEADER + "".join(rows))
    return root / "status.yml"


def add_probe_run(root: Path, size: Size, at: datetime) -> None:
    """Append one probe run (one line per component) at ``at``, as ``probe`` does."""
    for n in range(size.components):
        path = root / "history" / f"c{n:02d}" / f"{at:%Y-%m}.csv"
        exists = path.exists()
        with path.open("a", encoding="utf-8") as handle:
            if not exists:
                handle.write(HEADER)
            handle.write(f"{stamp(at)},up,200,150,,40\n")
