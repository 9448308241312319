"""Test databases from a snapshot of the migrated schema (decision record 0039).

Running the 185 migrations into an empty database takes about a minute per test worker (Django renders again the
hundred-odd models tied to `Organisation` at each operation); loading the SQL those migrations produced takes well
under a second. When the setting `HABITER_SCHEMA_SNAPSHOT` is on (the test settings only), `migrate` into an empty
database, with no app or migration named, loads `tests/schema/<vendor>.sql` instead of migrating, if that file was
written from exactly the migrations on disk: its first line holds a fingerprint of every migration file of every
installed app, of the project's modules and data files they read, and of Django's version. Otherwise the migrations
run as always, and the snapshot is written again from the database they made, for the developer to commit.

Nothing here ever runs outside the test settings: a real database is always migrated."""

import ast
import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import django
from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader

HEADER = "-- habiter schema snapshot "
DIRECTORY = Path(settings.BASE_DIR) / "tests" / "schema"
PROJECT = Path(settings.BASE_DIR) / "habiter"
# Options of `migrate` that ask for something else than "everything, into this database".
_TARGETED = ("app_label", "migration_name", "fake", "fake_initial", "plan", "prune", "check_unapplied")


def path_for(vendor: str) -> Path:
    return DIRECTORY / f"{vendor}.sql"


def wanted(options: dict) -> bool:
    """Whether this `migrate` may use or write a snapshot: test settings, the whole project, an empty database."""
    if not getattr(settings, "HABITER_SCHEMA_SNAPSHOT", False):
        return False
    if any(options.get(name) for name in _TARGETED):
        return False
    connection = connections[options["database"]]
    if connection.vendor not in ("sqlite", "postgresql"):
        return False
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _sources_read_by(path: Path) -> set[str]:
    """The project's modules a migration imports, except models modules: those give fields their callables
    (`upload_to`, validators), which never reach the database."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("habiter."):
            names.add(node.value)  # importlib.import_module("habiter.core.migrations.0004_…")
    return {name for name in names if name.startswith("habiter.") and not name.endswith(".models")}


def fingerprint(vendor: str) -> str:
    """A digest of what a fresh migration of the project depends on."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    sources = {}
    for migration in loader.disk_migrations.values():
        path = Path(sys.modules[migration.__module__].__file__)
        sources[migration.__module__] = path
        for name in _sources_read_by(path):
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin:
                sources[name] = Path(spec.origin)
    for path in PROJECT.glob("*/*.csv"):  # the data the seeding migrations read
        sources[str(path.relative_to(PROJECT))] = path
    digest = hashlib.sha256(f"{vendor} django {django.__version__}\n".encode())
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name].read_bytes() + b"\0")
    return digest.hexdigest()


def load(connection) -> bool:
    """Load the snapshot of this database's vendor if it is current; False (and nothing loaded) otherwise."""
    path = path_for(connection.vendor)
    if not path.exists():
        return False
    header, _, script = path.read_text(encoding="utf-8").partition("\n")
    if header != HEADER + fingerprint(connection.vendor):
        return False
    try:
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            # The dump inserts rows table by table: the foreign keys are checked once everything is in.
            connection.connection.executescript(f"PRAGMA foreign_keys = OFF;\n{script}\nPRAGMA foreign_keys = ON;")
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_key_check")
                if cursor.fetchall():
                    raise RuntimeError("foreign keys")
        else:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute(script)
    except Exception:  # noqa: BLE001 — a snapshot that does not load is only a slower start: migrate instead
        if connection.vendor == "sqlite" and connection.connection.in_transaction:
            connection.connection.rollback()
        connection.close()
        return False
    connection.close()  # the dump set the session's search path: the next query reconnects as usual
    return True


def _dump(connection) -> str | None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    params = connection.settings_dict
    command = [pg_dump, "--no-owner", "--no-privileges", "--no-comments", "--inserts", "--dbname", params["NAME"]]
    command += ["--username", params["USER"], "--host", params["HOST"] or "localhost"]
    if params["PORT"]:
        command += ["--port", str(params["PORT"])]
    environment = {**os.environ, "PGPASSWORD": params["PASSWORD"] or ""}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)  # noqa: S603
    if result.returncode:
        return None
    # Without the server's version in comments, nor psql's meta-commands (\restrict), which are not SQL.
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith(("--", "\\"))]
    return "\n".join(lines)


def save(connection) -> None:
    """Write the snapshot of the database just migrated, if it can be dumped and the folder written."""
    script = _dump(connection)
    if script is None:
        return
    path = path_for(connection.vendor)
    content = f"{HEADER}{fingerprint(connection.vendor)}\n{script}\n"
    try:
        if path.exists() and path.read_text(encoding="utf-8") == content:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(content, encoding="utf-8")
        temporary.replace(path)  # two test workers may write it at once: each replaces it whole
    except OSError:
        return
