"""The shape of engine/ (and its package engine/fast/): no import cycle, no Streamlit, no file over ~460 lines,
each idea in one place."""

import ast
import importlib.util
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "engine"


def _module_name(path: Path) -> str:
    """engine/model.py -> "model", engine/fast/kernel.py -> "fast.kernel", engine/fast/__init__.py -> "fast"."""
    parts = path.relative_to(ENGINE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


FILES = {_module_name(p): p for p in sorted(ENGINE.rglob("*.py")) if p != ENGINE / "__init__.py"}
MODULES = sorted(FILES)          # engine's own __init__ is left out: every engine module is imported through it


def _package(name: str) -> list:
    """The package that module `name`'s relative imports start from, as a list of parts ([] = engine)."""
    parts = name.split(".")
    return parts if FILES[name].name == "__init__.py" else parts[:-1]


def _module_level(tree):
    """The import statements that run when the module is imported: not those inside a function (a
    function's import is lazy by choice), but those in `if HAVE_NUMBA:` / try blocks and class bodies."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        todo.extend(ast.iter_child_nodes(node))


def _engine_imports(name: str, text: str = None) -> set:
    """The engine modules that module `name` imports at module level (relative or absolute imports).

    Importing engine.fast.kernel from outside engine/fast/ runs engine/fast/__init__.py first, so the
    package counts as imported too."""
    tree = ast.parse(FILES[name].read_text(encoding="utf-8") if text is None else text)
    targets = set()
    for node in _module_level(tree):
        if isinstance(node, ast.Import):
            targets.update(a.name[len("engine."):] for a in node.names if a.name.startswith("engine."))
            continue
        if node.level == 0:
            if not (node.module or "").startswith("engine"):
                continue
            base = node.module.split(".")[1:]
        else:
            package = _package(name)
            base = package[:len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
        if base:
            targets.add(".".join(base))
        targets.update(".".join(base + [a.name]) for a in node.names)
    found = set()
    for target in targets:
        parts = target.split(".")
        for n in range(1, len(parts) + 1):          # the packages on the way in, then the module itself
            prefix = ".".join(parts[:n])
            if prefix in FILES and prefix != name and not name.startswith(prefix + "."):   # not its own package
                found.add(prefix)
    return found


def _import_cycle(graph: dict):
    """The first import cycle in graph (module -> the modules it imports) as a list of names, or None."""
    state = {}

    def visit(m, path):
        if state.get(m) == "done":
            return None
        if state.get(m) == "open":
            return path + [m]
        state[m] = "open"
        for n in sorted(graph[m]):
            cycle = visit(n, path + [m])
            if cycle:
                return cycle
        state[m] = "done"
        return None

    for m in sorted(graph):
        cycle = visit(m, [])
        if cycle:
            return cycle
    return None


def test_engine_has_no_import_cycle():
    cycle = _import_cycle({m: _engine_imports(m) for m in MODULES})
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_check_sees_the_fast_package():
    """engine/fast/ is covered: model.py's import of the package counts, relative imports resolve to engine/fast/
    modules, and a module-level import of the model in warmup.py (a real cycle: model -> fast -> warmup -> model)
    would be found. warm_up imports Word2Vec inside the function for that reason."""
    assert {"fast.kernel", "fast.batched", "fast.rows", "fast.sigmoid", "fast.prefetch", "fast.threads", "fast.pipeline",
            "fast.warmup"} <= set(MODULES)
    assert "fast" in _engine_imports("model")
    assert _engine_imports("fast.kernel") == {"fast.batched", "fast.rows", "fast.sigmoid", "objectives", "update"}
    assert _engine_imports("fast.batched") == {"fast.prefetch", "fast.sigmoid"}
    assert "examples_compiled" in _engine_imports("fast.warmup") and "model" not in _engine_imports("fast.warmup")
    graph = {m: _engine_imports(m) for m in MODULES}
    graph["fast.warmup"] = _engine_imports("fast.warmup", "from ..model import Word2Vec\n")
    assert graph["fast.warmup"] == {"model"}
    cycle = _import_cycle(graph)
    assert cycle is not None and {"model", "fast", "fast.warmup"} <= set(cycle)


@pytest.mark.parametrize("name", MODULES)
def test_engine_module_is_short_and_never_imports_streamlit(name):
    path = FILES[name]
    text = path.read_text(encoding="utf-8")
    assert not any(line.lstrip().startswith(("import streamlit", "from streamlit")) for line in text.splitlines())
    assert len(text.splitlines()) <= 460, f"{path.relative_to(ENGINE.parent)} has {len(text.splitlines())} lines"


def test_the_update_is_written_once():
    """np.add.at on the weights (the step trainer's write) appears in update.py only."""
    writers = [str(p.relative_to(ENGINE)) for p in sorted(ENGINE.rglob("*.py"))
               if "np.add.at(W_" in p.read_text(encoding="utf-8")]
    assert writers == ["update.py"]


def test_the_compiled_trainer_is_one_package_with_no_old_module_left():
    """engine/fast/ replaced engine/fast.py, kernel.py, kernel_rows.py, threads.py, pipeline.py and warmup.py: none of
    the old files is left and none of the old module names imports (no shim)."""
    assert (ENGINE / "fast" / "__init__.py").exists() and not (ENGINE / "fast.py").exists()
    for old in ("kernel", "kernel_rows", "threads", "pipeline", "warmup"):
        assert not (ENGINE / f"{old}.py").exists()
        assert importlib.util.find_spec(f"engine.{old}") is None, f"engine.{old} still imports"
    assert not (ENGINE / "fast" / "kernel_rows.py").exists()


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
