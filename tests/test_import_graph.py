"""The import graph of Trygg's own modules, read with ``ast`` (every import, also those inside
functions): no module imports itself round a cycle, and the apps that produce and show the
numbers depend in one direction only –

    trygg.numbers  ←  picture  ←  work  ←  reports

(``api``, ``web``, the CLI and ``ops`` sit on top and may import any of them). ``trygg.numbers``
holds the number-producing code and no views, models or templates."""

import ast
import graphlib
from pathlib import Path

import trygg

ROOT = Path(trygg.__file__).parent
LAYERS = ["numbers", "picture", "work", "reports"]  # each may import only those before it


def module_name(path: Path) -> str:
    parts = ("trygg", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def own_modules() -> dict[str, Path]:
    return {module_name(p): p for p in ROOT.rglob("*.py")
            if "tests" not in p.relative_to(ROOT).parts and "migrations" not in p.relative_to(ROOT).parts}


def imports_of(name: str, path: Path, known) -> set[str]:
    """The Trygg modules ``name`` imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, base] if base else up)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known:
                t = t.rpartition(".")[0]
            if t.startswith("trygg") and t != name and t in known:
                found.add(t)
    return found


def graph() -> dict[str, set[str]]:
    mods = own_modules()
    return {name: imports_of(name, path, mods) for name, path in mods.items()}


def app_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_the_graph_is_read():
    g = graph()
    assert "trygg.numbers.figures" in g["trygg.picture.views"]
    assert "trygg.numbers.queries" in g["trygg.numbers.figures"]  # a relative import
    assert "trygg.work.checklist" in g["trygg.reports.annual.work"]


def test_no_import_cycle_among_the_apps_modules():
    g = graph()
    layered = {m: {t for t in ts if app_of(t) in LAYERS} for m, ts in g.items() if app_of(m) in LAYERS}
    try:
        list(graphlib.TopologicalSorter(layered).static_order())
    except graphlib.CycleError as exc:
        raise AssertionError(f"import cycle: {' → '.join(exc.args[1])}") from None


def test_the_apps_import_in_one_direction_only():
    wrong = []
    for module, targets in graph().items():
        if app_of(module) not in LAYERS:
            continue
        allowed = set(LAYERS[: LAYERS.index(app_of(module)) + 1])
        for t in sorted(targets):
            if app_of(t) in {*LAYERS, "api", "web", "ops", "cli"} - allowed:
                wrong.append(f"{module} → {t}")
    assert not wrong, "imports against the direction numbers ← picture ← work ← reports:\n" + "\n".join(wrong)


def test_the_numbers_package_has_no_views_models_or_templates():
    numbers = ROOT / "numbers"
    assert not {"views.py", "models.py", "urls.py", "admin.py"} & {p.name for p in numbers.iterdir()}
    assert not (numbers / "templates").exists()
    for name, targets in graph().items():
        if app_of(name) == "numbers":
            assert not {t for t in targets if t.endswith((".views", ".models", ".forms"))
                        and app_of(t) in {"picture", "work", "reports"}}, name
