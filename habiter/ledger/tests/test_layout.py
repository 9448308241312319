"""The layout of `ledger` by sub-domain (decision record 0010), read from the source with `ast`: no import cycle
between its modules, no sub-domain importing another's private (underscore) names, and no import inside a function
to dodge a cycle — except where Django wants one (`AppConfig.ready()`)."""

import ast
from dataclasses import dataclass
from pathlib import Path

LEDGER = Path(__file__).resolve().parents[1]
PACKAGE = "habiter.ledger"
SUBDOMAINS = frozenset({"entries", "rent", "deposits", "bank", "owners", "exports", "mailing"})
# not walked: migrations are written by Django, tests import inside functions what a single test needs
SKIPPED = frozenset({"tests", "migrations"})
# (module, function) where an import inside a function is the rule: Django runs `ready()` once the apps are loaded
ALLOWED_LAZY = frozenset({("habiter.ledger.apps", "LedgerConfig.ready")})


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # the module imported, or the one a name is imported from
    name: str | None  # the name imported from `target`, when it is not a module
    scope: str | None  # the function the import is in (qualified name), None at module level
    line: int


def package_modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its `__init__.py`), except `SKIPPED` folders."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[0] in SKIPPED:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join((package, *parts))] = path
    return found


class _Imports(ast.NodeVisitor):
    def __init__(self, module: str, is_package: bool, known: dict):
        self.module, self.known, self.scope, self.found = module, known, [], []
        self.package = module if is_package else module.rpartition(".")[0]
        self.aliases: dict[str, str] = {}  # local name → module of the package it is bound to
        self.attributes: list[tuple[str, str, int]] = []  # (module, private attribute, line)

    def _scoped(self, node, kind):
        self.scope.append((node.name, kind))
        self.generic_visit(node)
        self.scope.pop()

    def visit_ClassDef(self, node):
        self._scoped(node, "class")

    def visit_FunctionDef(self, node):
        self._scoped(node, "function")

    visit_AsyncFunctionDef = visit_FunctionDef

    def _where(self):
        if not any(kind == "function" for _name, kind in self.scope):
            return None
        return ".".join(name for name, _kind in self.scope)

    def visit_Import(self, node):
        for alias in node.names:
            self.found.append(Import(self.module, alias.name, None, self._where(), node.lineno))
            if alias.asname and alias.name in self.known:
                self.aliases[alias.asname] = alias.name

    def visit_ImportFrom(self, node):
        base = node.module or ""
        if node.level:
            package = self.package
            for _up in range(node.level - 1):
                package = package.rpartition(".")[0]
            base = f"{package}.{base}" if base else package
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in self.known:
                self.found.append(Import(self.module, submodule, None, self._where(), node.lineno))
                self.aliases[alias.asname or alias.name] = submodule
            else:
                self.found.append(Import(self.module, base, alias.name, self._where(), node.lineno))

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id in self.aliases and node.attr.startswith("_"):
            self.attributes.append((self.aliases[node.value.id], node.attr, node.lineno))
        self.generic_visit(node)


def read_imports(root: Path, package: str):
    """The imports of every module of the package, and the private attributes it reads from modules of the
    package it imported: (imports, [(importer, module, attribute, line)])."""
    known = package_modules(root, package)
    imports, attributes = [], []
    for module, path in known.items():
        visitor = _Imports(module, path.name == "__init__.py", known)
        visitor.visit(ast.parse(path.read_text(), filename=str(path)))
        imports += visitor.found
        attributes += [(module, target, name, line) for target, name, line in visitor.attributes]
    return known, imports, attributes


def domain(module: str, package: str) -> str:
    """The sub-domain a module belongs to; any other module of the package is a domain of its own."""
    parts = module[len(package) + 1 :].split(".") if module != package else [""]
    return parts[0] if parts[0] in SUBDOMAINS else module


def import_cycles(root: Path, package: str) -> list[list[str]]:
    """The groups of modules of the package that import each other, at module level or in a function (Tarjan)."""
    known, imports, _attributes = read_imports(root, package)
    graph = {module: set() for module in known}
    for found in imports:
        if found.target in known and found.target != found.importer:
            graph[found.importer].add(found.target)
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def private_imports(root: Path, package: str) -> list[str]:
    """Underscore names a module takes from a module of another sub-domain, by import or as an attribute."""
    _known, imports, attributes = read_imports(root, package)
    found = [
        f"{i.importer}:{i.line} imports {i.target}.{i.name}"
        for i in imports
        if i.name
        and i.name.startswith("_")
        and i.target.startswith(package)
        and domain(i.target, package) != domain(i.importer, package)
    ]
    found += [
        f"{importer}:{line} reads {target}.{name}"
        for importer, target, name, line in attributes
        if domain(target, package) != domain(importer, package)
    ]
    return found


def lazy_imports(root: Path, package: str, allowed=ALLOWED_LAZY) -> list[str]:
    """Imports inside a function, outside the allowed places."""
    _known, imports, _attributes = read_imports(root, package)
    return [
        f"{i.importer}:{i.line} imports {i.target} in {i.scope}()"
        for i in imports
        if i.scope and (i.importer, i.scope) not in allowed
    ]


def test_no_import_cycle_between_the_ledger_modules():
    assert import_cycles(LEDGER, PACKAGE) == []


def test_no_sub_domain_takes_another_ones_private_names():
    assert private_imports(LEDGER, PACKAGE) == []


def test_no_import_inside_a_function_but_in_app_ready():
    assert lazy_imports(LEDGER, PACKAGE) == []


def test_the_checks_see_a_cycle_a_private_import_and_a_lazy_import(tmp_path):
    # given a package whose rent imports a private helper of entries, which imports rent back inside a function
    for folder in ("entries", "rent"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "entries" / "services.py").write_text(
        "def _post():\n    from ..rent import services\n\n    return services\n"
    )
    (tmp_path / "rent" / "services.py").write_text(
        "from fake.entries.services import _post\nfrom fake.entries import services as entries\n\n"
        "def pay():\n    return entries._post, _post\n"
    )
    # then each check reports it
    assert import_cycles(tmp_path, "fake") == [["fake.entries.services", "fake.rent.services"]]
    assert private_imports(tmp_path, "fake") == [
        "fake.rent.services:1 imports fake.entries.services._post",
        "fake.rent.services:5 reads fake.entries.services._post",
    ]
    assert lazy_imports(tmp_path, "fake") == ["fake.entries.services:2 imports fake.rent.services in _post()"]
