"""The import graph of app/, read with ast: each part imports only what sits below it, so a
reader can follow the code from the models up, and a circle cannot creep in.

From the bottom: the models (on app.extensions and app.database alone); the shared modules
(app/*.py); the blueprints (packages with a routes.py), which may use each other's forms and
helpers but never each other's routes; the speed-ups (app/speedups/), which replace pieces of
all of those; and at the top what assembles the app (app/__init__.py, app/errors.py,
app/cli.py, app/worker.py). Imports under `if TYPE_CHECKING:` are for the type checker only.
"""

import ast
from functools import cache
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
# What assembles the app: the factory, the handlers and commands it installs, the RQ worker.
ASSEMBLY = {"app", "app.errors", "app.cli", "app.worker"}
# What the models may build on, besides each other.
MODEL_FOUNDATION = {"app.extensions", "app.database", "app.mail_connection"}
# Imports made inside a function, each with why it cannot be at the top of its module.
FUNCTION_LEVEL_IMPORTS = {
    # A plain `rq worker` builds its app from the environment, after every module has loaded.
    ("app.jobs", "app"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(APP.rglob("*.py"))}


@cache
def blueprints() -> frozenset[str]:
    """The packages that define a blueprint: they have a routes.py (app/api: blueprint.py)."""
    return frozenset(
        f"app.{path.name}"
        for path in APP.iterdir()
        if (path / "routes.py").exists() or (path / "blueprint.py").exists()
    )


def imported(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The app modules an import statement of `module` loads (a package's name for its
    __init__.py)."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        if node.level:
            package = module.split(".")
            if modules()[module].name != "__init__.py":
                package = package[:-1]
            base = ".".join(package[: len(package) - node.level + 1] + [node.module or ""])
        else:
            base = node.module or ""
        base = base.rstrip(".")
        # `from app import cli` imports the module app.cli; `from app.models import User`, the
        # package app.models.
        names = [
            f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base
            for alias in node.names
        ]
    return [name for name in names if name == "app" or name.startswith("app.")]


@cache
def imports() -> dict[str, dict[str, set[str]]]:
    """Each module's imports of app modules: {"top": at module level, "function": in a
    function}, leaving out those under `if TYPE_CHECKING:`."""
    found: dict[str, dict[str, set[str]]] = {}
    for module, path in modules().items():
        top: set[str] = set()
        in_function: set[str] = set()

        def visit(body: list[ast.stmt], at_top: bool) -> None:
            for node in body:
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                    continue
                if isinstance(node, ast.Import | ast.ImportFrom):
                    (top if at_top else in_function).update(imported(module, node))  # noqa: B023
                # A class body runs at import, a function's only when called.
                inside_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                children = [
                    child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt)
                ]
                for handler in getattr(node, "handlers", []):
                    children.extend(handler.body)
                visit(children, at_top and not inside_function)

        visit(ast.parse(path.read_text(encoding="utf-8")).body, at_top=True)
        found[module] = {"top": top - {module}, "function": in_function - {module}}
    return found


def part(module: str) -> str:
    """Which part of the app a module belongs to: assembly, speedups, blueprint, models or
    shared."""
    if module in ASSEMBLY:
        return "assembly"
    package = ".".join(module.split(".")[:2])
    if package == "app.speedups":
        return "speedups"
    if package in blueprints():
        return "blueprint"
    if package == "app.models":
        return "models"
    return "shared"


def edges() -> list[tuple[str, str]]:
    return sorted(
        (module, target) for module, found in imports().items() for target in found["top"]
    )


def test_the_graph_is_read() -> None:
    """The checks below see the app: its blueprints, models and the imports between them."""
    assert {"app.auth", "app.main", "app.api", "app.messages"} <= blueprints()
    assert ("app.models.user", "app.models.post") in edges()
    assert ("app", "app.speedups") in edges()
    assert part("app.models.user") == "models"
    assert part("app.main.routes") == "blueprint"


def test_models_build_only_on_models_and_the_extensions() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, target in edges()
        if part(module) == "models" and part(target) != "models" and target not in MODEL_FOUNDATION
    ]
    assert not wrong, (
        "The models say what a thing is, below every view and speed-up; they may import only "
        f"other models and {sorted(MODEL_FOUNDATION)}:\n" + "\n".join(wrong)
    )


@pytest.mark.parametrize(
    ("importer", "forbidden"),
    [
        ("shared", {"blueprint", "speedups", "assembly"}),
        ("blueprint", {"speedups", "assembly"}),
        ("speedups", {"assembly"}),
    ],
)
def test_no_part_imports_one_above_it(importer: str, forbidden: set[str]) -> None:
    wrong = [
        f"{module} imports {target} ({part(target)})"
        for module, target in edges()
        if part(module) == importer and part(target) in forbidden
    ]
    assert not wrong, (
        f"A {importer} module imports from above it (models < shared < blueprints < "
        "speedups < assembly): move what both need down to where both can see it:\n"
        + "\n".join(wrong)
    )


def test_no_blueprint_imports_another_blueprints_routes() -> None:
    """What two blueprints share lives in a module both can see, never in a routes.py (nor
    the package's __init__.py, which re-exports its bp)."""
    wrong = []
    for module, target in edges():
        if part(module) == "assembly" or part(target) != "blueprint":
            continue
        target_package = ".".join(target.split(".")[:2])
        own_package = ".".join(module.split(".")[:2])
        if target_package != own_package and target in (target_package, f"{target_package}.routes"):
            wrong.append(f"{module} imports {target}")
    assert not wrong, "Imports of another blueprint's routes:\n" + "\n".join(wrong)


def cycles() -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = {module: set() for module in modules()}
    for module, target in edges():
        if target in graph:
            graph[module].add(target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles() -> None:
    found = cycles()
    assert not found, (
        "Modules that import each other at load time (break the circle by moving what both "
        "need into a module below them):\n" + "\n".join(" <-> ".join(c) for c in found)
    )


def test_imports_inside_functions_are_the_known_ones() -> None:
    """An import moved into a function hides from the checks above: each one says why."""
    found = {(module, target) for module, both in imports().items() for target in both["function"]}
    assert found == FUNCTION_LEVEL_IMPORTS, (
        "Imports of app modules inside functions changed; import at the top of the module, or "
        "add it to FUNCTION_LEVEL_IMPORTS with the reason: "
        f"{sorted(found ^ FUNCTION_LEVEL_IMPORTS)}"
    )


def layout_sections(readme_name: str, heading: str) -> dict[str, str]:
    """A README's Layout block, by entry: each `app/...` line with the indented lines under
    it."""
    readme = (APP.parent / readme_name).read_text(encoding="utf-8")
    block = readme.partition(heading)[2].split("```")[1]
    sections: dict[str, str] = {}
    current = None
    for line in block.splitlines():
        if line.startswith("app/"):
            current = line.split()[0]
            sections[current] = line
        elif current is not None and line.startswith(" "):
            sections[current] += "\n" + line
        else:
            current = None
    return sections


@pytest.mark.parametrize(
    ("readme_name", "heading"),
    [("README.md", "## Layout"), ("README.zh-CN.md", "## 项目结构")],
    ids=["en", "zh-CN"],
)
def test_the_readme_layout_lists_every_module(readme_name: str, heading: str) -> None:
    sections = layout_sections(readme_name, heading)
    missing = []
    for module, path in modules().items():
        relative = path.relative_to(APP.parent).as_posix()
        if module == "app" or relative in sections:
            continue
        package = f"{path.parent.relative_to(APP.parent).as_posix()}/"
        if package not in sections or (
            path.name != "__init__.py" and path.name not in sections[package]
        ):
            missing.append(relative)
    assert not missing, f"{readme_name}'s Layout does not list: " + ", ".join(missing)
