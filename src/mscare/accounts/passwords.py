"""Password rules and Argon2 hashes (argon2-cffi)."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from mscare.content import content_dir

MIN_LENGTH = 12
MAX_LENGTH = 256


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The packaged list of passwords people choose often (content/accounts/common-passwords.txt)."""
    text = (content_dir() / "accounts" / "common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    lowered = password.lower()
    if lowered in common_passwords() or (username and username.lower() in lowered):
        return "is too easy to guess (a common password, or it contains the user name); choose another"
    return None


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash to verify against when the name is unknown, so a wrong name costs as long as a wrong password.
@lru_cache(maxsize=1)
def dummy_hash() -> str:
    return hash_password("not a real password, only for timing")
