"""The layers, checked on the source: services form no import circle, neither services nor
pages import the API, the domain stays pure.

Every import counts — at module level or inside a function (a deferred import that only
hides a circle still is one), absolute or relative, `import a.b as c` or `from a import b`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def modules_of(package_dir: Path, package: str) -> dict[str, Path]:
    """Dotted module name → file, for every .py file under the package."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = path.relative_to(package_dir).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((package, *parts))] = path
    return found


def imported_names(path: Path, module: str) -> set[str]:
    """Every dotted name the file imports, anywhere in it: `from a.b import c` gives both
    `a.b` and `a.b.c` (c may be a module), relative imports resolved against `module`."""
    is_package = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return names


def import_graph(package_dir: Path, package: str) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports (the package itself, whose
    `__init__` only groups them, is not an edge)."""
    modules = modules_of(package_dir, package)
    return {name: {imported for imported in imported_names(path, name)
                   if imported in modules and imported not in (name, package)}
            for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as a path `a → b → … → a`, or None."""
    done: set[str] = set()  # fully explored: no circle through them
    for start in sorted(graph):
        if start in done:
            continue
        path = [start]  # depth-first, without recursion
        pending = [iter(sorted(graph[start]))]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                pending.pop()
                done.add(path.pop())
            elif nxt in path:
                return path[path.index(nxt):] + [nxt]
            elif nxt not in done:
                path.append(nxt)
                pending.append(iter(sorted(graph.get(nxt, ()))))
    return None


def offending_imports(package_dir: Path, package: str, forbidden: tuple[str, ...]) -> list[str]:
    """`module imports name` for every import of a forbidden package (or one of its modules)."""
    found = []
    for name, path in modules_of(package_dir, package).items():
        for imported in sorted(imported_names(path, name)):
            if any(imported == f or imported.startswith(f + ".") for f in forbidden):
                found.append(f"{name} imports {imported}")
    return found


# --- the checker itself can fail ------------------------------------------------

def test_a_circle_is_found_and_named():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set(), "d": {"a", "c"}}) is None
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


def _write(root: Path, files: dict[str, str]) -> None:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("how_b_imports_a", [
    "from fake.svc import a\n",                       # from the package
    "from fake.svc.a import thing\n",                 # from the module
    "import fake.svc.a as alias\n",                   # import … as
    "from . import a\n",                              # relative
    "from .a import thing\n",                         # relative, from the module
    "def later():\n    from fake.svc import a\n",     # deferred: it still is a circle
])
def test_every_kind_of_import_closes_a_circle(tmp_path, how_b_imports_a):
    _write(tmp_path / "fake" / "svc", {"__init__.py": "", "a.py": "from fake.svc import b\n",
                                       "b.py": how_b_imports_a, "c.py": "import os\n"})
    graph = import_graph(tmp_path / "fake" / "svc", "fake.svc")
    assert find_cycle(graph) == ["fake.svc.a", "fake.svc.b", "fake.svc.a"]


def test_a_forbidden_import_is_found_even_inside_a_function(tmp_path):
    _write(tmp_path / "fake" / "web", {
        "__init__.py": "", "ok.py": "from fake.services import x\nimport fake.apiary\n",
        "bad.py": "def handler():\n    from fake.api.errors import error_response\n"})
    assert offending_imports(tmp_path / "fake" / "web", "fake.web", ("fake.api",)) == [
        "fake.web.bad imports fake.api.errors",
        "fake.web.bad imports fake.api.errors.error_response"]


# --- the project ----------------------------------------------------------------

def test_services_form_no_import_circle():
    graph = import_graph(ROOT / "paperless" / "services", "paperless.services")
    assert len(graph) > 20  # the checker did read the services
    cycle = find_cycle(graph)
    assert cycle is None, "import circle among the services: " + " → ".join(cycle)


@pytest.mark.parametrize("layer", ["services", "web"])
def test_services_and_pages_do_not_import_the_api(layer):
    assert offending_imports(ROOT / "paperless" / layer, f"paperless.{layer}",
                             ("paperless.api",)) == []


def test_the_domain_imports_no_service_api_page_nor_flask():
    assert offending_imports(ROOT / "paperless" / "domain", "paperless.domain",
                             ("paperless.services", "paperless.api", "paperless.web",
                              "flask")) == []



def test_the_declared_shapes_sit_below_the_api_pages_and_sockets():
    """The API, the pages and the socket handlers all read requests with them."""
    above = ("paperless.api", "paperless.web", "paperless.realtime", "flask")
    shapes = [f"paperless.shapes imports {name}"
              for name in sorted(imported_names(ROOT / "paperless" / "shapes.py",
                                                "paperless.shapes"))
              if any(name == f or name.startswith(f + ".") for f in above)]
    assert shapes + offending_imports(ROOT / "paperless" / "schemas", "paperless.schemas",
                                      above) == []
