"""Two PostgreSQL roles (decision record 0016): the application connects as a role that owns nothing, so it cannot
TRUNCATE, ALTER, disable or drop the triggers that keep the ledger and the journal append-only; the schema belongs
to an owner role, used only by `migrate`, `flush` and `createcachetable`.

`DATABASE_URL` names the application's role. When `DATABASE_OWNER_URL` is set (same server and database, another
role), those commands switch the default connection to the owner's role and password for their duration, and
`migrate` then grants the application's role what it needs and nothing more. Without it (SQLite, or a single role)
nothing changes."""

from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

CREDENTIALS = ("USER", "PASSWORD")


def enabled(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether `alias` is a PostgreSQL connection with an owner role configured."""
    return (
        bool(settings.HABITER_DATABASE_OWNER)
        and alias == DEFAULT_DB_ALIAS
        and connections[alias].vendor == ("postgresql")
    )


def app_role() -> str:
    return settings.HABITER_DATABASE_OWNER["APP_USER"]


def _switch(alias: str, credentials: dict) -> dict:
    """Put `credentials` on the connection `alias` (closed, so the next query reconnects with them) and return
    those it had."""
    connection = connections[alias]
    previous = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
    if previous != credentials:
        connection.close()
        connection.settings_dict.update(credentials)
    return previous


def use_owner(alias: str = DEFAULT_DB_ALIAS) -> None:
    if enabled(alias):
        owner = settings.HABITER_DATABASE_OWNER
        _switch(alias, {"USER": owner["USER"], "PASSWORD": owner["PASSWORD"]})


def use_app(alias: str = DEFAULT_DB_ALIAS) -> None:
    if enabled(alias):
        owner = settings.HABITER_DATABASE_OWNER
        _switch(alias, {"USER": owner["APP_USER"], "PASSWORD": owner["APP_PASSWORD"]})


@contextmanager
def as_owner(alias: str = DEFAULT_DB_ALIAS):
    """Run the block connected as the owner role, then go back to the credentials the connection had."""
    if not enabled(alias):
        yield
        return
    owner = settings.HABITER_DATABASE_OWNER
    previous = _switch(alias, {"USER": owner["USER"], "PASSWORD": owner["PASSWORD"]})
    try:
        yield
    finally:
        _switch(alias, previous)


def grant_app_privileges(alias: str = DEFAULT_DB_ALIAS) -> None:
    """As the owner: the application's role reads and writes rows, uses sequences, and nothing else (no TRUNCATE,
    REFERENCES or TRIGGER, and owning nothing it can neither ALTER nor drop). Tables created later by the owner get
    the same grants."""
    if not enabled(alias):
        return
    connection = connections[alias]
    role = connection.ops.quote_name(app_role())
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = connection.ops.quote_name(cursor.fetchone()[0])
        for statement in (
            f"GRANT USAGE ON SCHEMA {schema} TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
            f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        ):
            cursor.execute(statement)
