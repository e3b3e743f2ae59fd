"""The house's layering holds in imports and templates: jobs <- organisation <- codeofconduct <- advice.

- no module of an app imports a module of an app further down the chain (function-level imports too);
- no two modules of the project import each other, directly or in a circle;
- no module imports another module's private name;
- codeofconduct's templates never name advice, and codeofconduct runs and renders with advice removed
  from INSTALLED_APPS (advice fills codeofconduct's slots from its AppConfig instead).
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# jobs (the outbox, the mail worker, the schedule) is below every app: they queue mail there.
CHAIN = ["jobs", "organisation", "codeofconduct", "advice"]
PACKAGES = [*CHAIN, "config"]


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path]) -> list[tuple[str, str | None]]:
    """(module imported, name imported from it or None) for every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.append((submodule, None) if submodule in modules else (node.module, alias.name))
    return [(module, name) for module, name in found if module.split(".")[0] in PACKAGES]


def graph():
    modules = project_modules()
    return modules, {name: imports_of(path, modules) for name, path in modules.items()}


def every_import():
    """(importing module, module imported, name imported or None) for every import of the project."""
    _, edges = graph()
    return [(module, target, name) for module, targets in edges.items() for target, name in targets]


def test_no_app_imports_an_app_further_down_the_chain():
    wrong = [
        f"{module} imports {target}"
        for module, target, _name in every_import()
        if module.split(".")[0] in CHAIN
        and target.split(".")[0] in CHAIN
        and CHAIN.index(target.split(".")[0]) > CHAIN.index(module.split(".")[0])
    ]
    assert wrong == []


def test_no_import_circles():
    modules, edges = graph()

    def resolve(target):
        while target not in modules and "." in target:
            target = target.rsplit(".", 1)[0]
        return target if target in modules else None

    adjacency = {
        module: {resolve(target) for target, _ in targets} - {None, module} for module, targets in edges.items()
    }
    # A package's __init__ that lists its submodules is not a circle with them.
    adjacency = {m: {t for t in ts if not m.startswith(t + ".")} for m, ts in adjacency.items()}
    circles, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for target in sorted(adjacency.get(module, ())):
            if state.get(target) == "open":
                circles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = "done"

    for module in sorted(adjacency):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_no_module_imports_a_private_name_of_another():
    private = [
        f"{module} imports {target}.{name}"
        for module, target, name in every_import()
        if name and name.startswith("_") and target != module
    ]
    assert private == []


def test_codeofconduct_templates_never_name_advice():
    named = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates" / "codeofconduct").rglob("*.html")
        if "advice" in path.read_text(encoding="utf-8")
    ]
    assert named == []


def test_codeofconduct_runs_and_renders_without_advice(tmp_path):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.layering.settings_without_advice"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/layering/check_without_advice.py",
            "-q",
            "-p",
            "no:xdist",
            "--noconftest",
            "-p",
            "no:randomly",
            "-o",
            "addopts=",
            "--basetemp",
            str(tmp_path),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "3 passed" in result.stdout
