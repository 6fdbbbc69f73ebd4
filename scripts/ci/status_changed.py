"""Print "true" when the newest probe sample of any component differs in status from the one before.

    python3 scripts/ci/status_changed.py history/

The probe workflow redeploys the site at once when this is true; otherwise the hourly build suffices.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from statusgen.history import read_folder
from statusgen.problems import Problems


def changed(history: Path) -> bool:
    for folder in sorted(p for p in history.iterdir() if p.is_dir() and not p.name.startswith(".")):
        samples = read_folder(folder, Problems(), folder.name).samples
        if len(samples) >= 2 and samples[-1].status != samples[-2].status:
            return True
        if len(samples) == 1:
            return True  # a component's first sample: its page changes from "no data"
    return False


if __name__ == "__main__":
    print("true" if changed(Path(sys.argv[1])) else "false")
