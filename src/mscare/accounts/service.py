"""Accounts, server-side sessions and the login rate limit, over a session of the diary database."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mscare.accounts.inputs import AccountInput, LoginInput
from mscare.accounts.models import AccountRow, LoginFailureRow, SessionRow
from mscare.accounts.passwords import dummy_hash, hash_password, verify_password
from mscare.diary.store import delete_owner

SESSION_HOURS = 12  # a session ends this long after log-in, used or not
MAX_FAILURES = 5  # failed logins for one name ...
FAILURE_WINDOW = dt.timedelta(minutes=15)  # ... within this window lock that name until the window passes
BAD_LOGIN = "wrong user name or password"


class NameTaken(ValueError):
    """The user name belongs to another account."""


class TooManyAttempts(ValueError):
    """Too many failed logins for this name; ``retry_after`` seconds until the window passes."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many failed logins for this name; try again in {max(1, retry_after // 60)} minutes")
        self.retry_after = retry_after


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_account(session: Session, *, data: AccountInput, now: dt.datetime | None = None) -> AccountRow:
    """A new account with an Argon2 hash of its password; ``NameTaken`` when the name is in use."""
    if session.scalar(select(AccountRow.id).where(AccountRow.username == data.username)) is not None:
        raise NameTaken(f"the user name {data.username!r} is taken")
    row = AccountRow(id=f"u-{secrets.token_hex(8)}", username=data.username,
                     password_hash=hash_password(data.password), created_at=now or utcnow())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # two sign-ups for one name at once: the database's unique index decides
        raise NameTaken(f"the user name {data.username!r} is taken") from None
    return row


def check_rate(session: Session, username: str, now: dt.datetime) -> None:
    """Raise ``TooManyAttempts`` while the name has ``MAX_FAILURES`` failures inside the window."""
    since = now - FAILURE_WINDOW
    recent = list(session.scalars(select(LoginFailureRow.at).where(
        LoginFailureRow.username == username, LoginFailureRow.at > since).order_by(LoginFailureRow.at.desc())
        .limit(MAX_FAILURES)))
    if len(recent) >= MAX_FAILURES:
        until = recent[-1] + FAILURE_WINDOW
        raise TooManyAttempts(int((until - now).total_seconds()) + 1)


def log_in(session: Session, *, data: LoginInput,
           now: dt.datetime | None = None) -> tuple[AccountRow, str, SessionRow] | None:
    """Check name and password and open a session: the account, the cookie token and the session row; None for a
    wrong name or password (the failure is recorded in this transaction, so commit it)."""
    now = now or utcnow()
    check_rate(session, data.username, now)
    account = session.scalar(select(AccountRow).where(AccountRow.username == data.username))
    ok = verify_password(account.password_hash if account else dummy_hash(), data.password)
    if account is None or not ok:
        session.add(LoginFailureRow(username=data.username, at=now))
        session.execute(delete(LoginFailureRow).where(LoginFailureRow.at < now - FAILURE_WINDOW))
        session.flush()
        return None
    token = secrets.token_urlsafe(32)
    row = SessionRow(token_hash=token_hash(token), account_id=account.id, csrf=secrets.token_urlsafe(32),
                     created_at=now, expires_at=now + dt.timedelta(hours=SESSION_HOURS))
    session.add(row)
    session.execute(delete(SessionRow).where(SessionRow.expires_at < now))
    session.flush()
    return account, token, row


def session_for(session: Session, token: str | None, now: dt.datetime | None = None) -> SessionRow | None:
    """The live session of a cookie token, or None (unknown, logged out or expired)."""
    if not token:
        return None
    row = session.get(SessionRow, token_hash(token))
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    return row


def account_of(session: Session, account_id: str) -> AccountRow | None:
    return session.get(AccountRow, account_id)


def log_out(session: Session, token: str | None) -> None:
    """End a session on the server: its token no longer opens anything."""
    if token:
        session.execute(delete(SessionRow).where(SessionRow.token_hash == token_hash(token)))


def delete_account(session: Session, *, account_id: str) -> int:
    """Delete an account, its sessions and every diary entry it owns; returns the number of entries deleted."""
    count = delete_owner(session, owner=account_id)
    session.execute(delete(SessionRow).where(SessionRow.account_id == account_id))
    session.execute(delete(AccountRow).where(AccountRow.id == account_id))
    return count


def account_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AccountRow)) or 0)
