"""The test databases loaded from the snapshot of the migrated schema (decision record 0039)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.migrations.executor import MigrationExecutor

from habiter.core import schema_snapshot

pytestmark = pytest.mark.django_db


def test_the_test_database_has_every_migration_applied():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


def test_every_model_has_its_table_and_columns():
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in apps.get_models(include_auto_created=True):
            if not model._meta.managed or model._meta.proxy:
                continue
            assert model._meta.db_table in tables, model
            columns = {
                column.name for column in connection.introspection.get_table_description(cursor, model._meta.db_table)
            }
            expected = {field.column for field in model._meta.local_concrete_fields}
            assert expected <= columns, (model, expected - columns)


def test_the_project_modules_a_migration_reads_count_and_its_models_do_not(tmp_path):
    migration = tmp_path / "0042_example.py"
    migration.write_text(
        "import importlib\n"
        "import habiter.people.models\n"
        "from habiter.core.partner_texts import texts_to_partners\n"
        "from django.db import migrations\n"
        'seeding = importlib.import_module("habiter.core.migrations.0004_seed_legal_parameters")\n',
        encoding="utf-8",
    )
    assert schema_snapshot._sources_read_by(migration) == {
        "habiter.core.partner_texts",
        "habiter.core.migrations.0004_seed_legal_parameters",
    }


def test_the_fingerprint_follows_the_vendor_and_the_data_the_seeds_read(tmp_path, monkeypatch):
    (tmp_path / "leases").mkdir()
    data = tmp_path / "leases" / "irl.csv"
    data.write_text("trimestre,valeur\n2025-T1,145.47\n", encoding="utf-8")
    monkeypatch.setattr(schema_snapshot, "PROJECT", tmp_path)
    before = schema_snapshot.fingerprint("sqlite")
    assert schema_snapshot.fingerprint("sqlite") == before
    assert schema_snapshot.fingerprint("postgresql") != before
    data.write_text("trimestre,valeur\n2025-T1,145.47\n2025-T2,146.68\n", encoding="utf-8")
    assert schema_snapshot.fingerprint("sqlite") != before


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the PostgreSQL snapshot is loaded by the run's own databases"
)
def test_the_snapshot_loads_into_an_empty_database_the_tables_of_the_migrations():
    empty = SQLiteWrapper({**connection.settings_dict, "NAME": ":memory:"}, alias="snapshot")
    try:
        assert schema_snapshot.load(empty) is True  # written by this run's own database if it was not current
        with empty.cursor() as loaded, connection.cursor() as migrated:
            assert empty.introspection.table_names(loaded) == connection.introspection.table_names(migrated)
            assert (
                loaded.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
                == (migrated.execute("SELECT count(*) FROM django_migrations").fetchone()[0])
            )
    finally:
        empty.connection.close()  # Django keeps an in-memory database open: close the driver's connection


def test_a_snapshot_of_other_migrations_is_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_snapshot, "DIRECTORY", tmp_path)
    schema_snapshot.path_for(connection.vendor).write_text(
        f"{schema_snapshot.HEADER}{'0' * 64}\nDROP TABLE core_organisation;\n", encoding="utf-8"
    )
    assert schema_snapshot.load(connection) is False
    with connection.cursor() as cursor:
        assert "core_organisation" in connection.introspection.table_names(cursor)


def test_a_missing_snapshot_is_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_snapshot, "DIRECTORY", tmp_path)
    assert schema_snapshot.load(connection) is False


def test_only_an_empty_database_under_the_test_settings_and_a_whole_migrate_use_it(settings):
    everything = {"database": "default", "app_label": None, "migration_name": None}
    # the test database has its tables: a migrate into it runs the migrations, as on any real database
    assert schema_snapshot.wanted(everything) is False
    settings.HABITER_SCHEMA_SNAPSHOT = False
    assert schema_snapshot.wanted(everything) is False
    settings.HABITER_SCHEMA_SNAPSHOT = True
    assert schema_snapshot.wanted({**everything, "app_label": "core"}) is False
    assert schema_snapshot.wanted({**everything, "fake": True}) is False
