"""The package's structure: records on the ground floor, the arithmetic above them and apart from the readers,
and no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "statusgen"

# The arithmetic and what it stands on. None of these reads a file, directly or through what it imports.
PURE = {"model", "schema", "times", "status", "uptime", "sla", "charts", "figures", "parallel", "verdict"}
# Calls that reach the file system; no pure module makes one.
FILE_CALLS = {
    "open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob", "rglob", "exists", "is_file",
    "is_dir", "stat", "listdir", "scandir", "walk", "unlink", "mkdir", "replace", "rename",
}  # fmt: skip


def imports(path: Path) -> tuple[set[str], set[str]]:
    """The package modules and the top-level outside modules that a module imports, at any depth of its code."""
    inside: set[str] = set()
    outside: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                inside.add(node.module.split(".")[0])
            else:  # from . import x: a module, or a name of the package itself (__version__)
                inside.update(alias.name for alias in node.names if (PACKAGE / f"{alias.name}.py").exists())
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "statusgen":
                parts = node.module.split(".")
                inside.update([parts[1]] if len(parts) > 1 else [alias.name for alias in node.names])
            else:
                outside.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            outside.update(alias.name.split(".")[0] for alias in node.names)
    return inside - {path.stem}, outside


def file_calls(source: str) -> set[str]:
    """The calls in ``source`` that reach the file system: ``open(…)``, ``path.read_text()``, ``os.listdir(…)``…

    ``str.replace`` shares a name with ``os.replace``; only a call on ``os``, ``shutil`` or a name
    holding "path" or "folder" counts for the names plain strings also have."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Name) and node.func.id == "open":
            found.add("open")
        elif isinstance(node.func, ast.Attribute) and node.func.attr in FILE_CALLS:
            owner = ast.unparse(node.func.value)
            if node.func.attr in {"replace", "stat", "walk"} and not (
                owner in {"os", "shutil"} or "path" in owner or "folder" in owner
            ):
                continue
            found.add(f"{owner}.{node.func.attr}")
    return found


def graph() -> dict[str, set[str]]:
    return {path.stem: imports(path)[0] for path in PACKAGE.glob("*.py") if path.stem != "__init__"}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found by a depth-first walk, each as the modules around it."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt, path)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node, [])
    return found


def closure(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        for nxt in edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def test_the_cycle_finder_finds_a_cycle() -> None:
    # a → b → c → a is a cycle; d → a is not part of one.
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle_in_the_package() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize("module", sorted(PURE))
def test_pure_modules_stand_only_on_pure_modules(module: str) -> None:
    """status, uptime, sla, figures and what they stand on import nothing that reads files: not the readers
    (config, incidents, history, recorded, yamlsrc…), and no standard-library file module."""
    edges = graph()
    reached = closure(edges, module) | {module}
    assert reached <= PURE, f"{module} reaches {sorted(reached - PURE)}"
    for name in reached:
        assert file_calls((PACKAGE / f"{name}.py").read_text(encoding="utf-8")) == set(), name


def test_the_check_sees_a_file_being_read() -> None:
    source = "def f(path, folder):\n    open(path)\n    path.read_text()\n    ' x '.replace(' ', '')\n"
    assert file_calls(source) == {"open", "path.read_text"}


def test_the_check_sees_a_reader_under_the_arithmetic() -> None:
    # As before the model existed: uptime took Incident from incidents, which reads files through yamlsrc.
    edges = {"uptime": {"incidents", "times"}, "incidents": {"yamlsrc"}, "times": {"model"}, "yamlsrc": set()}
    assert closure(edges, "uptime") - PURE == {"incidents", "yamlsrc"}


def test_the_model_imports_only_the_schema_and_the_standard_library() -> None:
    inside, outside = imports(PACKAGE / "model.py")
    assert inside == {"schema"}
    # io and pickle only for model.canonical: a value's bytes, written to memory, never to a file.
    assert outside <= {"__future__", "collections", "dataclasses", "datetime", "io", "pathlib", "pickle", "re",
                       "typing", "urllib", "zoneinfo"}  # fmt: skip
    assert imports(PACKAGE / "schema.py")[0] == set()


def test_every_record_type_is_defined_in_the_model() -> None:
    records = {"Config", "Component", "Probe", "Channel", "Organization", "Signatory", "Contact", "Help", "Incident",
               "Update", "ProbeSample", "Run", "ComponentHistory", "Text", "Html", "Message"}  # fmt: skip
    defined: dict[str, str] = {}
    for path in PACKAGE.glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef) and node.name in records:
                defined[node.name] = path.stem
    assert defined == dict.fromkeys(records, "model")


# The floors of the layout in docs/architecture.md, lowest first.
FLOORS = (
    {"schema", "model", "times"},
    {"status", "uptime", "sla", "charts", "figures", "parallel", "verdict"},
    {"yamlsrc", "fields", "problems", "config", "contacts", "vantages", "incidents", "history", "recorded", "cache"}
    | {"i18n", "channels", "instances"},
    {"views", "markup", "feed", "api", "ical", "render", "notices"},
    {"build", "output", "probe", "notify", "compaction", "staff", "editing", "serve", "cli", "init"},
)


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Imports that reach a higher floor than their own."""
    floor = {name: number for number, names in enumerate(FLOORS) for name in names}
    return [f"{a} → {b}" for a in sorted(edges) for b in sorted(edges[a]) if floor[b] > floor[a]]


def test_every_module_has_a_floor() -> None:
    assert set(graph()) == set().union(*FLOORS)


def test_no_module_imports_from_a_floor_above_its_own() -> None:
    assert upward(graph()) == []
    assert upward({"uptime": {"incidents"}, "incidents": set()}) == ["uptime → incidents"]  # the check can fail
