"""Write the synthetic incidents and probe history of the demo site into examples/demo/.

    python examples/demo/make_incidents.py

The output is fixed by the seed, so running it again writes the same files.
Everything it writes is invented; each file says so.
"""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
NOTE = "*Data sintetis untuk situs contoh; bukan kejadian nyata.*"
NOTE_EN = "*Synthetic data for the example site; not a real event.*"
COMPONENTS = ["spse", "ruang-bidding", "sikap", "sirup", "internet", "listrik"]
CAUSES = ["internal", "external"]
TITLES = {
    "major": ["{c} tidak dapat diakses", "{c} mati total", "Server {c} tidak merespons"],
    "partial": ["Sebagian pengguna gagal masuk ke {c}", "Unggah dokumen di {c} sering gagal", "{c} putus-sambung"],
    "degraded": ["{c} lambat diakses", "Waktu respons {c} meningkat"],
    "notice": ["Pemberitahuan tentang {c}", "Perubahan jadwal layanan {c}"],
}
NAMES = {
    "spse": "SPSE", "ruang-bidding": "Bidding Room", "sikap": "SIKaP",
    "sirup": "SiRUP", "internet": "Internet", "listrik": "Listrik",
}  # fmt: skip


def fmt(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def write(slug: str, front: dict, body: str) -> None:
    if "body" in front.get("en", {}):
        front["en"]["body"] = front["en"]["body"].strip() + "\n\n" + NOTE_EN + "\n"
    text = "---\n" + yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=100) + "---\n"
    (HERE / "incidents" / f"{slug}.md").write_text(text + body.strip() + "\n\n" + NOTE + "\n", encoding="utf-8")


def timeline(start: datetime, end: datetime | None, rng: random.Random) -> list[dict]:
    updates = [
        {
            "at": fmt(start + timedelta(minutes=rng.randint(3, 20))),
            "status": "investigating",
            "message": "Kami sedang menyelidiki laporan gangguan ini.",
        }
    ]
    if end is None or end - start > timedelta(hours=1):
        updates.append(
            {
                "at": fmt(start + timedelta(minutes=rng.randint(25, 55))),
                "status": "identified",
                "message": "Penyebab sudah diketahui dan perbaikan sedang dilakukan.",
            }
        )
    if end is not None:
        updates.append({"at": fmt(end), "status": "resolved", "message": "Layanan kembali normal."})
    return updates


def random_incidents(rng: random.Random) -> None:
    for year in range(2011, 2026):
        for number in range(rng.randint(2, 4)):
            severity = rng.choice(["major", "partial", "partial", "degraded", "notice"])
            component = rng.choice(COMPONENTS if year >= 2016 else [c for c in COMPONENTS if c != "ruang-bidding"])
            start = datetime(
                year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.choice([0, 15, 33, 45])
            )
            end = start + timedelta(minutes=rng.randint(20, 600))
            title = rng.choice(TITLES[severity]).format(c=NAMES[component])
            write(
                f"{start:%Y-%m-%d}-contoh-{number + 1}",
                {
                    "title": title,
                    "components": [component],
                    "severity": severity,
                    "cause": rng.choice(CAUSES),
                    "started": fmt(start),
                    "resolved": fmt(end),
                    "updates": timeline(start, end, rng),
                },
                f"Ringkasan gangguan rekaan pada {NAMES[component]}.",
            )


def special_incidents() -> None:
    """Cases the tests and screenshots rely on: overlaps, a leap day, maintenance, ongoing work."""
    write(
        "2016-02-29-hari-kabisat",
        {
            "title": "SPSE mati melewati tengah malam hari kabisat",
            "components": ["spse"],
            "severity": "major",
            "started": "2016-02-29 23:00",
            "resolved": "2016-03-01 01:30",
            "updates": [
                {"at": "2016-03-01 01:30", "status": "resolved", "message": "Server pulih setelah dinyalakan ulang."},
                {"at": "2016-02-29 23:10", "status": "investigating", "message": "SPSE tidak dapat diakses."},
            ],
        },
        "Gangguan yang melewati pergantian hari pada 29 Februari.",
    )
    write(
        "2019-03-12-tumpang-tindih-sebagian",
        {
            "title": "Unggah dokumen lambat dan sering gagal",
            "components": ["spse", "internet"],
            "severity": "partial",
            "started": "2019-03-12 10:00",
            "resolved": "2019-03-12 14:00",
            "updates": [
                {"at": "2019-03-12 14:00", "status": "resolved", "message": "Unggah dokumen kembali normal."},
                {"at": "2019-03-12 10:05", "status": "investigating", "message": "Banyak laporan unggah gagal."},
            ],
        },
        "Gangguan sebagian yang tumpang tindih dengan gangguan total berikutnya.",
    )
    write(
        "2019-03-12-tumpang-tindih-total",
        {
            "title": "SPSE mati total selama satu jam",
            "components": ["spse"],
            "severity": "major",
            "started": "2019-03-12 11:00",
            "resolved": "2019-03-12 12:00",
            "updates": [
                {"at": "2019-03-12 12:00", "status": "resolved", "message": "SPSE kembali dapat diakses."},
                {"at": "2019-03-12 11:02", "status": "investigating", "message": "SPSE tidak dapat diakses."},
            ],
        },
        "Berlangsung di tengah gangguan sebagian; pada jam ini yang dihitung hanya bobot terbesar.",
    )
    write(
        "2020-07-05-pemeliharaan-server",
        {
            "title": "Pemeliharaan server SPSE",
            "components": ["spse"],
            "severity": "maintenance",
            "started": "2020-07-05 22:00",
            "resolved": "2020-07-06 02:00",
            "updates": [
                {"at": "2020-07-06 01:40", "status": "completed", "message": "Pemeliharaan selesai lebih awal."},
                {"at": "2020-07-05 22:00", "status": "in_progress", "message": "Pemeliharaan dimulai."},
                {"at": "2020-07-01 09:00", "status": "scheduled", "message": "Pembaruan perangkat keras server."},
            ],
        },
        "Pemeliharaan terjadwal yang melewati tengah malam.",
    )
    write(
        "2021-09-19-kabel-laut-contoh",
        {
            "title": "Internet melambat akibat kabel laut putus",
            "components": ["internet", "spse"],
            "severity": "partial",
            "cause": "external",
            "started": "2021-09-19T17:33+07:00",
            "resolved": "2021-09-20 09:00",
            "updates": [
                {"at": "2021-09-20 09:00", "status": "resolved", "message": "Jalur cadangan stabil."},
                {
                    "at": "2021-09-19 19:10",
                    "status": "monitoring",
                    "message": "Lalu lintas dialihkan ke jalur cadangan.",
                },
                {
                    "at": "2021-09-19 18:45",
                    "status": "identified",
                    "message": "Kabel laut **Batam–Pontianak** putus pukul 17.33 WIB (18.33 WITA).",
                },
            ],
        },
        """Waktu mulai ditulis dalam WIB (`+07:00`) dan ditampilkan dalam WITA.

| Waktu | Kejadian |
|---|---|
| 18.33 WITA | Kabel putus |
| 09.00 WITA | Jalur cadangan stabil |

<script>alert("skrip ini dibuang oleh sanitasi")</script>
[Tautan berbahaya](javascript:alert(1)) dan <a href="https://example.org" onclick="alert(1)">tautan biasa</a>.""",
    )
    write(
        "2026-11-20-spse-mati",
        {
            "title": "SPSE tidak dapat diakses",
            "components": ["spse"],
            "severity": "major",
            "started": "2026-11-20 09:12",
            "resolved": "2026-11-20 10:27",
            "updates": [
                {
                    "at": "2026-11-20 10:27",
                    "status": "resolved",
                    "message": "Layanan pulih setelah basis data dinyalakan ulang.",
                },
                {"at": "2026-11-20 09:40", "status": "identified", "message": "Basis data kehabisan koneksi."},
                {"at": "2026-11-20 09:20", "status": "investigating", "message": "SPSE menampilkan halaman error."},
            ],
            "en": {
                "title": "SPSE cannot be reached",
                "updates": [
                    {"at": "2026-11-20 10:27", "message": "Service restored after the database was restarted."},
                    {"at": "2026-11-20 09:40", "message": "The database ran out of connections."},
                    {"at": "2026-11-20 09:20", "message": "SPSE shows an error page."},
                ],
                "body": "Afterwards: the database connection limit was raised and is being watched.",
            },
        },
        "Pasca-kejadian: batas koneksi basis data dinaikkan dan dipantau.",
    )
    write(
        "2026-11-24-internet-lambat",
        {
            "title": "Internet kantor LPSE lambat",
            "components": ["internet"],
            "severity": "degraded",
            "cause": "external",
            "started": "2026-11-24 13:00",
            "resolved": "2026-11-24 16:30",
            "updates": [
                {"at": "2026-11-24 16:30", "status": "resolved", "message": "Kecepatan kembali normal."},
                {"at": "2026-11-24 13:15", "status": "identified", "message": "Gangguan di sisi penyedia jaringan."},
            ],
        },
        "Gangguan jaringan penyedia internet.",
    )
    write(
        "2026-11-26-sirup-gangguan",
        {
            "title": "SiRUP gagal memuat paket pengadaan",
            "components": ["sirup"],
            "severity": "partial",
            "cause": "external",
            "started": "2026-11-26 08:15",
            "updates": [
                {"at": "2026-11-26 09:05", "status": "identified", "message": "Gangguan berasal dari layanan pusat."},
                {"at": "2026-11-26 08:20", "status": "investigating", "message": "Sebagian paket tidak tampil."},
            ],
            # Only part is translated: the English page shows the rest in Indonesian, marked as such.
            "en": {
                "title": "SiRUP fails to load procurement packages",
                "updates": [{"at": "2026-11-26 09:05", "message": "The fault is in the central service."}],
            },
        },
        "Gangguan yang masih berlangsung.",
    )
    write(
        "2026-11-26-pemeliharaan-genset",
        {
            "title": "Uji beban genset",
            "components": ["listrik"],
            "severity": "maintenance",
            "started": "2026-11-26 09:00",
            "resolved": "2026-11-26 12:00",
            "updates": [
                {"at": "2026-11-26 09:00", "status": "in_progress", "message": "Uji beban dimulai."},
                {"at": "2026-11-23 10:00", "status": "scheduled", "message": "Uji beban genset bulanan."},
            ],
        },
        "Pemeliharaan yang sedang berlangsung.",
    )
    write(
        "2026-11-29-pemeliharaan-spse",
        {
            "title": "Pembaruan SPSE ke versi baru",
            "components": ["spse", "ruang-bidding"],
            "severity": "maintenance",
            "started": "2026-11-29 22:00",
            "resolved": "2026-11-30 02:00",
            "updates": [
                {
                    "at": "2026-11-25 10:00",
                    "status": "scheduled",
                    "message": (
                        "SPSE tidak dapat diakses selama pembaruan. Jadwalkan unggah dokumen sebelum pukul 22.00."
                    ),
                }
            ],
            "en": {
                "title": "SPSE upgrade to a new version",
                "updates": [
                    {
                        "at": "2026-11-25 10:00",
                        "message": "SPSE cannot be reached during the upgrade. Plan uploads before 22:00.",
                    }
                ],
                "body": "Upcoming maintenance.",
            },
        },
        "Pemeliharaan yang akan datang.",
    )
    write(
        "2026-11-22-alarm-palsu-spse",
        {
            "title": "Alarm palsu: pemeriksaan SPSE gagal dari runner",
            "components": ["spse"],
            "false_alarm": True,
            "started": "2026-11-22 03:00",
            "resolved": "2026-11-22 03:35",
            "updates": [
                {"at": "2026-11-22 08:00", "status": "resolved", "message": "Kegagalan pemeriksaan dibatalkan."}
            ],
        },
        "Pemeriksaan gagal karena gangguan jaringan di sisi pemeriksa; SPSE sendiri dapat diakses (log server).",
    )
    write(
        "2026-11-25-catatan-tanpa-pembaruan",
        {
            "title": "Jam layanan helpdesk berubah",
            "components": ["ruang-bidding"],
            "severity": "notice",
            "started": "2026-11-25 08:00",
            "resolved": "2026-11-25 08:00",
            "updates": [],
        },
        "Pemberitahuan tanpa pembaruan: di umpan RSS muncul satu butir untuk waktu mulainya.",
    )


def probe_history(rng: random.Random) -> None:
    """Ten days of samples every 5 minutes up to the demo's now (2026-11-26 02:00 UTC), with
    failures, slow spells, a gap of missed runs, a false alarm, and a probe that went stale."""
    folder = HERE / "history"
    shutil.rmtree(folder, ignore_errors=True)
    now = datetime(2026, 11, 26, 2, 0)
    start = now - timedelta(days=10)
    plans = {"spse": (1, 3000, 900), "sikap": (2, 2000, 1200), "internet": (3, None, 60)}
    for component, (seed, degraded_ms, typical) in plans.items():
        lines = {}
        moment = start + timedelta(minutes=seed)
        stop = now - timedelta(hours=3) if component == "internet" else now  # the internet probe went stale
        while moment < stop:
            status, code, latency, error = "up", 200, int(rng.gauss(typical, typical / 4)), ""
            latency = max(latency, 5)
            hour = moment.hour
            if component == "spse" and datetime(2026, 11, 20, 1, 10) <= moment < datetime(2026, 11, 20, 2, 25):
                status, code, latency, error = "down", "", "", "timeout"  # the 20 Nov outage (09:12–10:27 WITA)
            elif component == "spse" and datetime(2026, 11, 21, 19, 0) <= moment < datetime(2026, 11, 21, 19, 30):
                status, code, latency, error = "down", "", "", "connection"  # the false alarm (03:00–03:35 WITA)
            elif component == "sikap" and (moment > now - timedelta(minutes=40) or 3 <= hour < 4):
                status, latency = "degraded", int(degraded_ms * 1.6)  # slow now, and every night at 11 WITA
            elif component == "internet" and datetime(2026, 11, 23, 6, 0) <= moment < datetime(2026, 11, 23, 7, 0):
                moment += timedelta(minutes=5)  # runs missed: a gap, no data
                continue
            cert = "" if component == "internet" else 40 - (moment - start).days
            lines.setdefault(moment.strftime("%Y-%m"), []).append(
                f"{moment:%Y-%m-%dT%H:%M:00Z},{status},{code},{latency},{error},{cert}\n"
            )
            moment += timedelta(minutes=5)
        (folder / component).mkdir(parents=True)
        for month, rows in lines.items():
            (folder / component / f"{month}.csv").write_text(
                "time,status,http_status,latency_ms,error,cert_days\n" + "".join(rows)
            )


def main() -> None:
    folder = HERE / "incidents"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    random_incidents(random.Random(2011))
    special_incidents()
    probe_history(random.Random(2026))


if __name__ == "__main__":
    main()
