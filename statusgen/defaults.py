"""Defaults of ``status.yml`` that more than the configuration reader needs, declared once.

It imports nothing, so that a small script (``scripts/ci/status_changed.py``, run after every probe)
can read them without loading the whole generator.
"""

MAX_GAP = 15  # minutes one probe sample vouches for at most
STALE_AFTER = 30  # minutes after which the newest probe sample no longer tells the status
