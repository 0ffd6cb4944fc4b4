"""Alembic environment for the diary: runs on the connection ``mscare.diary.db.migrate`` passes in."""

from __future__ import annotations

from alembic import context

from mscare.accounts import models as _accounts  # noqa: F401  (account tables join the metadata)
from mscare.diary.db import VERSION_TABLE
from mscare.diary.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
