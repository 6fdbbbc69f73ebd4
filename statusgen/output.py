"""Writing the site. The only module that writes files.

The new site is written into a temporary folder next to the output folder and
then swapped into place, so a build that fails leaves the last good site as it
was, and readers never see half a site.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

# Every build starts with this file; a folder without it is not ours to replace.
SIGNATURE = "index.html"


class UnsafeOutput(Exception):
    """The output folder holds something that is not a built site."""


def check_output(out: Path, protected: list[Path]) -> None:
    """Refuse an output folder that would overwrite sources or a folder that is not a site."""
    target = out.resolve()
    for path in protected:
        path = path.resolve()
        if target == path or target in path.parents:
            raise UnsafeOutput(f"--out {out} would replace {path}: choose a separate folder such as 'site'")
    if target.exists() and not target.is_dir():
        raise UnsafeOutput(f"--out {out} is a file, not a folder: choose a folder such as 'site'")
    if target.is_dir() and any(target.iterdir()) and not (target / SIGNATURE).is_file():
        raise UnsafeOutput(
            f"--out {out} is not empty and holds no {SIGNATURE}, so it is not a built site: "
            "choose an empty folder or remove it first"
        )


def write_site(out: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (relative path → content) as the whole of ``out``, atomically swapped in."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        for relative, content in sorted(files.items()):
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; Pages and local servers must read it
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            retired.rmdir()
            out.rename(retired)
            staging.rename(out)
            shutil.rmtree(retired)
        else:
            staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
