"""YAML reading: where an unclosed '[', '{' or quote is reported, and which documents libyaml reads.

libyaml (C) reads a document only when it reads it exactly as the pure-Python parser does; the characters
that can give YAML meaning ('*' an alias, '&' an anchor, '!' a tag, '%' a directive, '?' a complex key,
'@' and '`' reserved) send a document to the guarded pure-Python parser only where they are not text.
"""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from statusgen import yamlsrc

# --- 1. An unclosed '[', '{' or quote is reported where it was opened -----------------------------------

TOP = "---\ntitle: Gangguan SPSE\n"
REST = "severity: major\nstarted: 2021-09-19 18:33\nupdates: []\n"

UNCLOSED = [
    (
        "a list left open, then the next key",
        TOP + "components: [spse\n" + REST + "---\n",
        3,
        "invalid YAML: the list opened with '[' on this line is not closed: add the missing ']' after its last item",
        "YAML tidak sah: daftar yang dibuka dengan '[' di baris ini tidak ditutup: tambahkan ']' yang kurang "
        "setelah butir terakhirnya",
    ),
    (
        # The parser runs into the closing '---' (line 7) before it knows: the fix is on line 6.
        "a list left open as the last key",
        TOP + REST + "components: [spse, sikap\n---\n",
        6,
        "invalid YAML: the list opened with '[' on this line is not closed: add the missing ']' after its last item",
        "YAML tidak sah: daftar yang dibuka dengan '[' di baris ini tidak ditutup: tambahkan ']' yang kurang "
        "setelah butir terakhirnya",
    ),
    (
        "the outer list left open, an inner one closed",
        TOP + "components: [spse, [sikap]\n" + REST + "---\n",
        3,
        "invalid YAML: the list opened with '[' on this line is not closed: add the missing ']' after its last item",
        "YAML tidak sah: daftar yang dibuka dengan '[' di baris ini tidak ditutup: tambahkan ']' yang kurang "
        "setelah butir terakhirnya",
    ),
    (
        "a mapping left open",
        TOP + "components: [spse]\n" + REST + "en: {title: SPSE down\n---\n",
        7,
        "invalid YAML: the mapping opened with '{' on this line is not closed: add the missing '}' after its last pair",
        "YAML tidak sah: kumpulan kunci yang dibuka dengan '{' di baris ini tidak ditutup: tambahkan '}' yang "
        "kurang setelah pasangan terakhirnya",
    ),
    (
        "a mapping closed with the list's bracket",
        TOP + "components: [spse, {id: sikap]\n" + REST + "---\n",
        3,
        "invalid YAML: the mapping opened with '{' on this line is not closed: add the missing '}' after its last pair",
        "YAML tidak sah: kumpulan kunci yang dibuka dengan '{' di baris ini tidak ditutup: tambahkan '}' yang "
        "kurang setelah pasangan terakhirnya",
    ),
    (
        "a double quote left open",
        '---\ntitle: "Gangguan SPSE\ncomponents: [spse]\n' + REST + "---\n",
        2,
        'invalid YAML: the quotes opened with " on this line are not closed: add the missing " at the end of the text',
        'YAML tidak sah: tanda kutip " yang dibuka di baris ini tidak ditutup: tambahkan " penutup di akhir teksnya',
    ),
    (
        # ---, title, components, severity, started, updates:, - at, status, message (line 9)
        "a single quote left open in an update",
        TOP + "components: [spse]\nseverity: major\nstarted: 2021-09-19 18:33\nupdates:\n"
        "  - at: 2021-09-19 18:40\n    status: identified\n    message: 'Kabel laut putus.\n---\n",
        9,
        "invalid YAML: the quotes opened with ' on this line are not closed: add the missing ' at the end of the text",
        "YAML tidak sah: tanda kutip ' yang dibuka di baris ini tidak ditutup: tambahkan ' penutup di akhir teksnya",
    ),
    (
        "a list that is closed but misses a comma",
        TOP + 'components: [spse, "sikap" internet]\n' + REST + "---\n",
        3,
        "invalid YAML: expected ',' or ']', but got '<scalar>'. Separate the items with a comma: [spse, sikap].",
        "YAML tidak sah: expected ',' or ']', but got '<scalar>'. Pisahkan butir-butirnya dengan koma: [spse, sikap].",
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "english", "indonesian"), UNCLOSED, ids=[c[0] for c in UNCLOSED])
def test_an_unclosed_bracket_or_quote_is_reported_where_it_opened(
    make_site, cli, case: str, text: str, line: int, english: str, indonesian: str
) -> None:
    site = make_site()
    site.incident("2021-09-19-kabel", text)
    shown = f"{site.root / 'incidents' / '2021-09-19-kabel.md'}:{line}: "
    run = cli("check", "--config", site.config, "--lang", "en")
    assert run.code == 1
    assert run.err.splitlines()[0] == shown + english
    default = cli("check", "--config", site.config, "--lang", "id")
    assert default.err.splitlines()[0] == shown + indonesian


def test_an_unclosed_quote_in_status_yml(make_site, cli) -> None:
    """status.yml speaks Indonesian by default (no 'languages'): the quote opened on line 1."""
    site = make_site('title: "Uji\nbase_url: https://example.github.io/status/\ncomponents:\n  - id: spse\n')
    run = cli("check", "--config", site.config, "--lang", "id")
    assert run.code == 1
    assert run.err.splitlines()[0] == (
        f'{site.config}:1: YAML tidak sah: tanda kutip " yang dibuka di baris ini tidak ditutup: '
        'tambahkan " penutup di akhir teksnya'
    )


# --- 2. libyaml reads what the pure-Python parser reads, the same way, or is not used -------------------


def read(text: str, fast: bool) -> object:
    """What ``parse`` gives, lines included, by libyaml when it will (``fast``) or by the pure-Python parser."""

    def shape(value: object) -> object:
        if isinstance(value, yamlsrc.YamlMap):
            return ("map", value.line, {k: shape(v) for k, v in value.items()}, value.key_lines, value.text)
        if isinstance(value, yamlsrc.YamlList):
            return ("list", value.line, [shape(v) for v in value], value.item_lines, value.text)
        return (type(value).__name__, value)

    with pytest.MonkeyPatch.context() as patch:
        if not fast:
            patch.setattr(yamlsrc, "_FastLoader", yamlsrc._Loader)
        try:
            return shape(yamlsrc.parse(text))
        except yamlsrc.YamlError as exc:
            return ("error", exc.line, str(exc.message))


INDICATORS = "!?*&%@`"
# Text as staff write it, with each indicator at the start, inside, after a space, at the end, doubled.
words = st.text(alphabet="ab *_:#-,[]{}'\"" + INDICATORS + "\\é", min_size=0, max_size=10)
plain = st.builds(lambda head, tail: head + tail, st.sampled_from(["a", "x y", "Penting", "99"]), words)
single = words.map(lambda text: "'" + text.replace("'", "''") + "'")
double = words.map(lambda text: '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"')
block = st.builds(
    lambda style, lines: style + "\n" + "".join(f"    {line}\n" for line in lines),
    st.sampled_from(["|", ">", "|-", ">+", "|2"]),
    st.lists(words, min_size=1, max_size=3),
)
node = st.sampled_from(["&a ", "*a", "!!str ", "! ", "!x ", "? ", "%", "@", "`", "<<: *a", "&a [x]", ""])
scalar = st.one_of(plain, single, double, block, st.builds(lambda n, s: n + s, node, st.one_of(plain, single)))
flow = st.lists(st.one_of(plain, single, double, node), max_size=3).map(lambda items: "[" + ", ".join(items) + "]")
comment = st.one_of(st.just(""), words.map(lambda text: " # " + text))
value = st.one_of(scalar, flow, st.builds(lambda s, c: s + c if not s.endswith("\n") else s, scalar, comment))
document = st.lists(
    st.builds(lambda key, v: f"{key}: {v}" + ("" if v.endswith("\n") else "\n"), st.sampled_from("kmt"), value),
    min_size=1,
    max_size=4,
).map("".join)


headed = st.builds(lambda head, d: head + d, st.sampled_from(["%YAML 1.1\n---\n", "--- "]), document)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(document, headed))
@pytest.mark.slow
def test_the_fast_path_reads_alike_or_declines(text: str) -> None:
    """Documents built to put every indicator in every place: in quotes, in block scalars, inside and at the
    start of plain scalars, in brackets, as anchors, aliases, tags, merge keys, directives and comments."""
    fast = yamlsrc._plain_enough(text)
    event(("libyaml" if fast else "pure Python") + (", with indicators" if any(c in text for c in INDICATORS) else ""))
    assert read(text, fast=True) == read(text, fast=False)


GUARDED = [
    "base: &b {a: 1}\nother:\n  <<: *b\n",  # an anchor, an alias, a merge key
    "title: &t SPSE\n",  # an anchor alone
    "title: *t\n",  # an alias to nothing
    "title: !!str 2021\n",  # a tag
    "title: ! x\n",  # a tag with no name
    "%YAML 1.1\n---\ntitle: x\n",  # a directive
    "? [a, b]\n: c\n",  # a complex key
    "components: [spse, @x]\n",  # a reserved character in brackets
    "components: [spse, a*b]\n",  # any indicator in a plain scalar in brackets
    "title: x # **catatan**\n",  # in a comment: not a scalar's text
    "message: '**a**' &x\n",  # after a quoted scalar
    "message: |\n  **a**\ntitle: *x\n",  # an alias after a block scalar
]


@pytest.mark.parametrize("text", GUARDED)
def test_what_gives_yaml_meaning_still_takes_the_guarded_route(text: str) -> None:
    assert not yamlsrc._plain_enough(text)
    assert read(text, fast=True) == read(text, fast=False)


TEXT = [
    "message: '**Penting:** SPSE tidak dapat diakses'\n",
    'message: "**Penting:** `status.yml` & *jadwal*?"\n',
    "message: |\n  **Penting:** SPSE tidak dapat diakses.\n  * butir *satu*\n",
    "message: >-\n  Hubungi helpdesk@lpse.example.org & *call center* (99%)?\n",
    "message: Sekitar 40% penyedia **terdampak**, apakah sudah pulih?\n",
    "message: Hubungi helpdesk@lpse.example.org\n",
    "message: SPSE pulih\n  **sepenuhnya**\n",
    "components: ['*spse', \"@sikap\"]\n",
    'updates:\n  - at: 2021-09-19 18:40\n    message: "**Pulih**"\n',
]


@pytest.mark.parametrize("text", TEXT)
def test_indicators_that_are_text_take_the_fast_path(text: str) -> None:
    assert yamlsrc._plain_enough(text)
    assert read(text, fast=True) == read(text, fast=False)


def test_bold_updates_are_read_by_libyaml_not_the_python_parser(make_site, cli, monkeypatch) -> None:
    """Counted, not timed: ``check`` of three incidents with '**bold**' in a quoted, a block-scalar and a plain
    update text makes no pure-Python parser at all (before, one for each: 3); a fourth with an anchor makes one."""
    made: list[str] = []

    class Counted(yamlsrc._Loader):
        def __init__(self, stream: str) -> None:
            made.append(stream)
            super().__init__(stream)

    monkeypatch.setattr(yamlsrc, "_Loader", Counted)
    site = make_site()
    head = "---\ntitle: Gangguan SPSE\ncomponents: [spse]\nseverity: major\nstarted: 2021-09-19 18:33\n"
    update = "updates:\n  - at: 2021-09-19 18:40\n    status: investigating\n    message: "
    site.incident("2021-09-19-kutip", head + update + "'**Penting:** unggah ditunda'\n---\n")
    site.incident("2021-09-20-blok", head + update + "|\n      **Penting:** unggah ditunda.\n      * butir\n---\n")
    site.incident("2021-09-21-polos", head + update + "Unggah **ditunda** (40%)?\n---\n")
    run = cli("check", "--config", site.config)
    assert run.code == 0, run.err
    assert made == []
    site.incident("2021-09-22-jangkar", head.replace("title: ", "title: &t ") + update + "x\n---\n")
    assert cli("check", "--config", site.config).code == 0
    assert len(made) == 1
    assert "&t" in made[0]
