"""PostgreSQL prepared statements for the few hot statements (the survey page).

Django's PostgreSQL backend binds parameters on the client: every execution sends the whole
statement, which psycopg first rewrites in Python and PostgreSQL parses and plans again. For a
statement run thousands of times a minute, `execute_prepared` uses a server-side prepared
statement on Django's own connection (same transaction, same error classes): planned once per
connection, then only the parameters travel.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from django.db import connection


def prepared_sql(sql: str) -> str:
    """%s placeholders → PostgreSQL's $1 … $n (for statements with no other % sign)."""
    parts = sql.split("%s")
    return "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]


def execute_prepared(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run `sql` (with $n placeholders, see prepared_sql) as a prepared statement on the
    default connection and return its first row. PostgreSQL only."""
    assert connection.vendor == "postgresql"
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.RawCursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()
