"""The shape of engine/: no import cycle, no Streamlit, no file over ~450 lines, each idea in one place."""

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"
MODULES = sorted(p.stem for p in ENGINE.glob("*.py") if p.stem != "__init__")


def _engine_imports(name: str) -> set:
    """The engine modules that module `name` imports at module level (relative imports)."""
    tree = ast.parse((ENGINE / f"{name}.py").read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:                       # module level only: a function's import is lazy by choice
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(a.name for a in node.names)
        elif isinstance(node, ast.If):           # `if HAVE_NUMBA:` blocks
            for sub in ast.walk(node):
                if isinstance(sub, ast.ImportFrom) and sub.level == 1 and sub.module:
                    found.add(sub.module.split(".")[0])
    return found & set(MODULES)


def test_engine_has_no_import_cycle():
    graph = {m: _engine_imports(m) for m in MODULES}
    state = {}

    def visit(m, path):
        if state.get(m) == "done":
            return
        if state.get(m) == "open":
            raise AssertionError("import cycle: " + " -> ".join(path + [m]))
        state[m] = "open"
        for n in sorted(graph[m]):
            visit(n, path + [m])
        state[m] = "done"

    for m in MODULES:
        visit(m, [])


@pytest.mark.parametrize("name", MODULES)
def test_engine_module_is_short_and_never_imports_streamlit(name):
    text = (ENGINE / f"{name}.py").read_text(encoding="utf-8")
    assert not any(line.lstrip().startswith(("import streamlit", "from streamlit")) for line in text.splitlines())
    assert len(text.splitlines()) <= 460, f"engine/{name}.py has {len(text.splitlines())} lines"


def test_the_update_is_written_once():
    """np.add.at on the weights (the step trainer's write) appears in update.py only."""
    writers = [p.name for p in ENGINE.glob("*.py") if "np.add.at(W_" in p.read_text(encoding="utf-8")]
    assert writers == ["update.py"]


# ------------------------------------------------------------------------------------- the four floors
ROOT = ENGINE.parent
FLOORS = ("pages", "ui", "lessons", "engine")          # imports run only downward (to a later floor)


def _python_files(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


def _imported_roots(path: Path) -> set:
    """The top-level packages a file imports anywhere (module level or inside a function)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("floor", FLOORS)
def test_each_floor_imports_only_the_floors_below_it(floor):
    """pages -> ui -> lessons -> engine: never upward (engine knows no lesson and no screen; lessons never
    import Streamlit or ui; ui never imports a page)."""
    above = set(FLOORS[:FLOORS.index(floor)])
    if floor in ("engine", "lessons"):
        above |= {"streamlit", "app"}
    bad = {str(p.relative_to(ROOT)): sorted(_imported_roots(p) & above) for p in _python_files(floor)}
    assert not {k: v for k, v in bad.items() if v}, bad


def test_the_rule_catches_an_upward_import(tmp_path):
    """The check itself can fail: a lesson that imports ui is found."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ui import state\n    import streamlit as st\n", encoding="utf-8")
    assert _imported_roots(bad) & {"ui", "streamlit"} == {"ui", "streamlit"}


def test_lessons_hold_no_engine_shim():
    """No module of engine/ is a lesson: the moved names are importable only from lessons/."""
    gone = ("lessons", "lessons_windows", "lessons_interview", "lessons_interview2", "lessons_interview3", "claims",
            "experiments", "synthetic", "sweep", "sweep_values", "sweep_quality")
    assert not [g for g in gone if (ENGINE / f"{g}.py").exists()]


# ------------------------------------------------------------------------------------------ ui/ in rooms
def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_ui_files_are_short_and_pages_are_layout():
    """No ui/ file over ~450 lines (split by idea); a page is a short sequence of calls (~120 lines at most)."""
    long_ui = {str(p.relative_to(ROOT)): _lines(p) for p in _python_files("ui") if _lines(p) > 460}
    long_pages = {str(p.relative_to(ROOT)): _lines(p) for p in _python_files("pages") if _lines(p) > 120}
    assert not long_ui and not long_pages, (long_ui, long_pages)


def test_charts_never_import_streamlit_and_hold_no_shims():
    """ui/charts/ returns charts, the pages draw them; its __init__ is a docstring only (callers import from the
    defining module)."""
    bad = [str(p.relative_to(ROOT)) for p in _python_files("ui/charts") if "streamlit" in _imported_roots(p)]
    assert not bad, bad
    for init in (ROOT / "ui").rglob("__init__.py"):
        body = ast.parse(init.read_text(encoding="utf-8")).body
        assert len(body) <= 1 and all(isinstance(n, ast.Expr) for n in body), init


def test_pages_share_no_module_globals_between_functions():
    """A function in a page reads its state from its arguments or st.session_state, never a page-level variable
    (imports and constants in CAPITALS aside)."""
    for page in _python_files("pages"):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        assigned = {t.id for node in tree.body if not isinstance(node, (ast.FunctionDef, ast.ClassDef))
                    for t in ast.walk(node) if isinstance(t, ast.Name) and isinstance(t.ctx, ast.Store)}
        assigned = {name for name in assigned if not name.isupper()}
        for func in (n for n in tree.body if isinstance(n, ast.FunctionDef)):
            read = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            assert not read & assigned, (page.name, func.name, sorted(read & assigned))
