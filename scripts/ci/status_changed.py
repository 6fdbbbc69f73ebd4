"""Print "true" when the newest probe sample of any component differs in status from the one before.

    python3 scripts/ci/status_changed.py status.yml

The probe workflow redeploys the site at once when this is true; otherwise the hourly build suffices.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from statusgen.config import load_config
from statusgen.history import read_folder
from statusgen.problems import Problems


def changed(config_path: Path) -> bool:
    """True when a probed component's newest sample changed its status, is its first, or ends a
    gap longer than stale_after (the published page may say "no data" since)."""
    config = load_config(config_path, Problems())
    if config is None:
        return True
    for component in config.components:
        folder = config.history_dir / component.id
        if component.probe is None or not folder.is_dir():
            continue
        samples = read_folder(folder, Problems(), component.id).samples
        if len(samples) == 1:
            return True
        if len(samples) >= 2:
            newest, before = samples[-1], samples[-2]
            if newest.status != before.status or newest.time - before.time > config.stale_after:
                return True
    return False


if __name__ == "__main__":
    print("true" if changed(Path(sys.argv[1])) else "false")
