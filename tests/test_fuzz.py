"""Random front matter and Markdown through the whole build (hypothesis).

Whatever an incident file holds, the build either succeeds and every file it writes is safe
(tests/safety.py), or fails as a user error: exit 1 with ``path:line: message`` lines and the old
site kept. Any other exception, or a traceback, fails the test. The examples are drawn the same
way on every run (``derandomize``), so CI sees the same ones; run with ``--hypothesis-seed`` and
without derandomize to look further.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from statusgen.cli import main
from statusgen.fields import hidden_character
from tests.safety import scan_site
from tests.test_build import digest
from tests.test_hostile import NOW, write_good_site

pytestmark = pytest.mark.slow  # 80 hypothesis examples, each a whole build

# Pieces that have broken markup, YAML or a renderer somewhere; text is drawn from them and from
# any Unicode character.
FRAGMENTS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "JaVaScRiPt:",
    "data:text/html;base64,PHNjcmlwdD4=", "<iframe src=//evil.example>", "<style>", "<svg onload=alert(1)>",
    "{{ 7*7 }}", "{% raw %}", "{#", "&amp;", "&", "\"", "'", "<", ">", "]]>", "<!--", "-->", "\u202e", "\u202c",
    "\u2067", "\u2069", "\x00", "\x1b", "\x0c", "\ufeff", "\u2028", "\r", "\n", "\t", "---", ": ", " #", "- ",
    "*", "&a", "*a", "!!python/object", "%", "@", "`", "|", ">-", "[", "]", "{", "}", "?", "\\", "\U0001f525",
    "الخدمة", "2021-02-30 10:00", "24:00", "+99:00", "[x](javascript:alert(1))", "![x](http://evil.example/p.png)",
    "<a href='javascript:x' title='x><img src=x onerror=alert(1)>'>t</a>", "\n\n", "#", "    code",
]  # fmt: skip
text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=8).map("".join)
moment = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M")),
    st.sampled_from(["2026-11-20 10:00", "2026-11-20T10:00+08:00", "2026-11-26 11:00", "1999-01-01 00:00"]),
    text,
)
scalar = st.one_of(text, st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(), moment)
value = st.recursive(
    scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3), max_leaves=6
)
update = st.fixed_dictionaries(
    {"at": moment, "status": st.sampled_from(["investigating", "identified", "resolved", "scheduled", "x"]) | text},
    optional={"message": text | value},
)
front_matter = st.fixed_dictionaries(
    {},
    optional={
        "title": text | value,
        "components": st.lists(st.sampled_from(["spse", "sikap", "internet", "x"]) | text, max_size=3) | value,
        "severity": st.sampled_from(["major", "partial", "degraded", "maintenance", "notice"]) | text,
        "cause": st.sampled_from(["internal", "external"]) | text,
        "started": moment,
        "resolved": moment,
        "false_alarm": st.booleans() | value,
        "updates": st.lists(update, max_size=4) | value,
        "en": st.fixed_dictionaries({}, optional={"title": text, "body": text}) | value,
        "unknown": value,
    },
)


def dumped(data: dict[str, object]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


# A well-formed incident whose words are hostile: most of these build, so the safety of what is
# published is tested, not only the refusals.
printable = st.characters(
    blacklist_categories=("Cc", "Cs"),
    blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufffe\uffff",
)
words = (
    st.lists(
        st.one_of(st.sampled_from([f for f in FRAGMENTS if not hidden_character(f)]), st.text(printable, max_size=8)),
        min_size=1,
        max_size=8,
    )
    .map("".join)
    .filter(lambda t: t.strip())
)
minute = st.integers(0, 6 * 24 * 60 - 1).map(lambda m: f"2026-11-20T{m // 60 % 24:02d}:{m % 60:02d}:00+08:00")
well_formed = st.fixed_dictionaries(
    {
        "title": words,
        "components": st.lists(st.sampled_from(["spse", "sikap", "internet"]), min_size=1, max_size=3, unique=True),
        "severity": st.sampled_from(["major", "partial", "degraded", "notice"]),
        "started": st.just("2026-11-20T00:00:00+08:00"),
        "updates": st.lists(
            st.fixed_dictionaries(
                {
                    "at": minute,
                    "status": st.sampled_from(["investigating", "identified", "monitoring"]),
                    "message": text,
                }
            ),
            max_size=4,
            unique_by=lambda update: update["at"],
        ),
    },
    optional={"cause": st.sampled_from(["internal", "external"]), "en": st.fixed_dictionaries({"title": words})},
)

incident_file = st.one_of(
    st.tuples(well_formed.map(dumped), words).map(lambda parts: f"---\n{parts[0]}---\n{parts[1]}\n"),
    st.tuples(front_matter.map(dumped), text).map(lambda parts: f"---\n{parts[0]}---\n{parts[1]}\n"),
    st.tuples(text, text).map(lambda parts: f"---\n{parts[0]}\n---\n{parts[1]}"),  # front matter as raw text
    text,  # anything at all
)


def build(root: Path) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["build", "--config", str(root / "status.yml"), "--out", str(root / "site"), "--now", NOW,
                     "--lang", "en", "--no-cache"])  # fmt: skip
    return code, err.getvalue()


@pytest.fixture(scope="module")
def good_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The good site every example starts from, built once; and the digest of its site/."""
    root = tmp_path_factory.mktemp("fuzz-good") / "src"
    write_good_site(root)
    code, err = build(root)
    assert code == 0, err
    return root, digest(root / "site")


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.data_too_large])
@given(content=incident_file)
def test_any_incident_file_builds_safely_or_is_refused_as_a_user_error(
    content: str, good_build: tuple[Path, dict[str, str]]
) -> None:
    good, before = good_build
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "src"
        shutil.copytree(good, root)
        (root / "incidents" / "2026-11-20-acak.md").write_text(content, encoding="utf-8", newline="")
        code, err = build(root)
        assert "Traceback" not in err
        if code == 0:
            event("built")
            assert scan_site(root / "site") == []
        else:
            event("refused")
            assert code == 1, err
            lines = err.splitlines()
            assert lines[-1].endswith("nothing was written."), err
            assert any(line.startswith(f"{root / 'incidents' / '2026-11-20-acak.md'}:") for line in lines), err
            assert digest(root / "site") == before
