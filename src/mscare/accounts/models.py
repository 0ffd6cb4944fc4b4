"""Account tables, in the diary's database and migration chain: accounts, server-side sessions, failed logins."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from mscare.diary.models import Base


class AccountRow(Base):
    """One person in shared mode; ``id`` is the owner id of their diary rows."""

    __tablename__ = "account"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))


class SessionRow(Base):
    """A logged-in browser or client. Only a hash of the cookie's token is stored."""

    __tablename__ = "account_session"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(String(64), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))


class LoginFailureRow(Base):
    """One failed login for a name, kept for the rate limit window."""

    __tablename__ = "account_login_failure"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))

    __table_args__ = (Index("ix_account_login_failure_username_at", "username", "at"),)
