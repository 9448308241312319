"""Backup and restore of a deployment: the database and every file of the documents' storage, into one folder.

A target whose name ends in `.tar` is that folder packed into one tar file. The folder holds `manifest.json` (what
was saved, with each file's size and SHA-256), the database — PostgreSQL: `database.dump`, made by `pg_dump` in its
custom format and read back by `pg_restore`; SQLite: `database.sqlite3`, a consistent copy made by SQLite's own
online backup — and `documents/`, every file of the default storage read through Django's storage API (file system,
memory or S3 alike). Run by an operator (`manage.py backup`, `manage.py restore`): each is journaled
(`backup.create`, `backup.restore`) for every organisation, so that its directors see it in the « Journal des
accès ».
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, called with a list of arguments, never a shell
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import dbroles
from .audit import audit_record
from .models import Organisation

FORMAT = 1
MANIFEST = "manifest.json"
DOCUMENTS = "documents"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    vendor: str
    documents: int
    size: int


def _storage_files(storage, folder: str = ""):
    """Every file name of `storage`, whatever its backend, through `listdir`."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a file-system storage to which nothing was ever uploaded has no folder yet
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from _storage_files(storage, f"{folder}/{directory}" if folder else directory)


def _copy(source, target) -> tuple[int, str]:
    """Copy one open file to another by chunks; returns (bytes, SHA-256)."""
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return size, digest.hexdigest()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_environment() -> tuple[list[str], dict]:
    """The connection arguments and environment of pg_dump / pg_restore, from the database settings."""
    settings = connection.settings_dict
    arguments = []
    if settings.get("HOST"):
        arguments += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", str(settings["USER"])]
    environment = {**os.environ, "PGDATABASE": settings["NAME"]}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = str(settings["PASSWORD"])
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ValidationError(
            _("%(tool)s a échoué : %(error)s") % {"tool": command[0], "error": result.stderr.strip()[-2000:]}
        )


def _database_save(target: Path) -> str:
    if connection.vendor == "postgresql":
        if not shutil.which("pg_dump"):
            raise ValidationError(_("pg_dump est introuvable : installez les outils clients de PostgreSQL."))
        name = "database.dump"
        arguments, environment = _pg_environment()
        _run(
            ["pg_dump", *arguments, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target / name)],
            environment,
        )
        return name
    if connection.vendor == "sqlite":
        name = "database.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target / name)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return name
    raise ValidationError(_("Base de données non prise en charge : %(vendor)s.") % {"vendor": connection.vendor})


def _database_load(source: Path, name: str) -> None:
    if connection.vendor == "postgresql":
        if not shutil.which("pg_restore"):
            raise ValidationError(_("pg_restore est introuvable : installez les outils clients de PostgreSQL."))
        # the tables are dropped and created again: a right of the schema's owner role (decision record 0016),
        # which then grants the application's role its rights on them
        with dbroles.as_owner():
            arguments, environment = _pg_environment()
            connection.close()  # no open transaction or lock of ours while the tables are replaced
            _run(
                [
                    "pg_restore",
                    *arguments,
                    "--dbname",
                    environment["PGDATABASE"],
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    str(source / name),
                ],
                environment,
            )
            dbroles.grant_app_privileges()
        return
    connection.ensure_connection()
    saved = sqlite3.connect(source / name)
    try:
        saved.backup(connection.connection)
    finally:
        saved.close()


def _journal(action: str, detail: dict) -> None:
    with transaction.atomic():
        for organisation in Organisation.objects.order_by("pk"):
            audit_record(actor=None, action=action, organisation=organisation, detail=detail)


def backup_create(target) -> BackupSummary:
    """Save the database and every document into the folder `target` (created; it must be empty or new), or into
    the tar file `target` when its name ends in `.tar` (it must not exist)."""
    target = Path(target)
    if target.suffix == ".tar":
        if target.exists():
            raise ValidationError(_("Le fichier de sauvegarde %(path)s existe déjà.") % {"path": target})
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            summary = backup_create(Path(work) / "backup")
            with tarfile.open(target, "w") as archive:
                archive.add(summary.path, arcname=".")
        return BackupSummary(target, summary.vendor, summary.documents, summary.size)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ValidationError(_("Le dossier de sauvegarde %(path)s existe déjà et n'est pas vide.") % {"path": target})
    (target / DOCUMENTS).mkdir(parents=True)
    created_at = timezone.now()
    documents, total = [], 0
    for name in _storage_files(default_storage):
        path = target / DOCUMENTS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, path.open("wb") as copy:
            size, digest = _copy(source, copy)
        documents.append({"name": name, "size": size, "sha256": digest})
        total += size
    database = _database_save(target)
    manifest = {
        "format": FORMAT,
        "created_at": created_at.isoformat(),
        "vendor": connection.vendor,
        "database": database,
        "database_sha256": _sha256(target / database),
        "documents": documents,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    _journal("backup.create", {"created_at": manifest["created_at"], "documents": len(documents), "bytes": total})
    return BackupSummary(target, connection.vendor, len(documents), total)


def _manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValidationError(
            _("%(path)s n'est pas une sauvegarde d'Habiter (manifest.json illisible).") % {"path": source}
        ) from None
    if manifest.get("format") != FORMAT:
        raise ValidationError(_("Format de sauvegarde inconnu."))
    if manifest["vendor"] != connection.vendor:
        raise ValidationError(
            _("Sauvegarde d'une base %(saved)s : elle ne se restaure pas dans une base %(current)s.")
            % {"saved": manifest["vendor"], "current": connection.vendor}
        )
    if _sha256(source / manifest["database"]) != manifest["database_sha256"]:
        raise ValidationError(_("La copie de la base de données est abîmée (empreinte différente)."))
    for document in manifest["documents"]:
        path = source / DOCUMENTS / document["name"]
        if not path.is_file() or _sha256(path) != document["sha256"]:
            raise ValidationError(
                _("Le document %(name)s de la sauvegarde manque ou est abîmé.") % {"name": document["name"]}
            )
    return manifest


def backup_restore(source) -> BackupSummary:
    """Put back a backup made by `backup_create`: every check first (manifest, database engine, every file's
    fingerprint), then the database (its tables replaced) and the documents (each written under its own name, an
    existing file of that name replaced; files that the backup does not name are left alone)."""
    source = Path(source)
    if source.is_file():
        with tempfile.TemporaryDirectory() as work, tarfile.open(source) as archive:
            archive.extractall(work, filter="data")  # refuses absolute paths, links out of the folder, devices
            summary = backup_restore(Path(work))
        return BackupSummary(source, summary.vendor, summary.documents, summary.size)
    manifest = _manifest(source)
    _database_load(source, manifest["database"])
    total = 0
    for document in manifest["documents"]:
        name = document["name"]
        if default_storage.exists(name):
            default_storage.delete(name)
        with (source / DOCUMENTS / name).open("rb") as handle:
            stored = default_storage.save(name, File(handle, name=name))
        if stored != name:
            raise ValidationError(_("Le document %(name)s n'a pas pu être remis à sa place.") % {"name": name})
        total += document["size"]
    _journal(
        "backup.restore",
        {"created_at": manifest["created_at"], "documents": len(manifest["documents"]), "bytes": total},
    )
    return BackupSummary(source, manifest["vendor"], len(manifest["documents"]), total)
