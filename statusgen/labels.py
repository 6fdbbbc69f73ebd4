"""Words shown to readers, in Bahasa Indonesia, following the project glossary."""

STATUS = {
    "operational": "Normal",
    "degraded_performance": "Kinerja menurun",
    "partial_outage": "Gangguan sebagian",
    "major_outage": "Gangguan total",
    "under_maintenance": "Sedang pemeliharaan",
    "no_data": "Tidak ada data terbaru",
}

# The banner speaks of the whole site.
OVERALL = {
    "operational": "Semua layanan beroperasi normal",
    "degraded_performance": "Sebagian layanan mengalami kinerja menurun",
    "partial_outage": "Sebagian layanan mengalami gangguan",
    "major_outage": "Terjadi gangguan total pada layanan",
    "under_maintenance": "Sedang pemeliharaan terjadwal",
    "no_data": "Sebagian layanan tanpa data pemeriksaan terbaru",
}

SEVERITY = {
    "major": "Gangguan total",
    "partial": "Gangguan sebagian",
    "degraded": "Kinerja menurun",
    "maintenance": "Pemeliharaan terjadwal",
    "notice": "Pemberitahuan",
}

CAUSE = {
    "internal": "Internal",
    "external": "Eksternal (nasional)",
}

UPDATE_STATUS = {
    "investigating": "Sedang diselidiki",
    "identified": "Penyebab diketahui",
    "monitoring": "Dalam pemantauan",
    "resolved": "Teratasi",
    "scheduled": "Dijadwalkan",
    "in_progress": "Sedang berlangsung",
    "completed": "Selesai",
}

PHASE = {
    "scheduled": "Dijadwalkan",
    "in_progress": "Sedang berlangsung",
    "completed": "Selesai",
    "ongoing": "Sedang berlangsung",
    "resolved": "Teratasi",
}

# The daily bar: the worst that touched a day, in words next to its colour and pattern.
DAY_LEVEL = {
    "ok": "Normal",
    "notice": "Normal, ada catatan",
    "degraded": STATUS["degraded_performance"],
    "partial": STATUS["partial_outage"],
    "major": STATUS["major_outage"],
    "maintenance": "Pemeliharaan",
    "nodata": "Tidak ada data",
}

PROBE_ERROR = {
    "timeout": "waktu habis",
    "dns": "nama domain tidak ditemukan",
    "connection": "koneksi ditolak atau terputus",
    "tls": "sertifikat TLS tidak sah",
    "status": "kode HTTP tak terduga",
    "keyword": "isi halaman tidak sesuai",
    "redirects": "terlalu banyak pengalihan",
    "error": "galat lain",
}

FALSE_ALARM = "Alarm palsu (kegagalan pemeriksaan dibatalkan)"

SOURCE = {"incidents": "sumber: catatan gangguan", "probes": "sumber: pemeriksaan otomatis"}
