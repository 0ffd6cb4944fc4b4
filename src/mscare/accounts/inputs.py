"""Input models for sign-up and log-in, shared by the API and the pages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from mscare.accounts.passwords import MAX_LENGTH, password_problem

USERNAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$"


class AccountInput(BaseModel):
    """A new account: a user name (2-32 letters, digits, '.', '_' or '-') and a password (12+ characters)."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(pattern=USERNAME_PATTERN, description="2-32 letters, digits, '.', '_' or '-'.")
    password: str = Field(max_length=MAX_LENGTH, description="At least 12 characters, not a common password.")

    @field_validator("username", mode="before")
    @classmethod
    def strip_name(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("password")
    @classmethod
    def strong_password(cls, value: str, info: ValidationInfo) -> str:
        if problem := password_problem(value, str(info.data.get("username") or "")):
            raise ValueError(f"password {problem}")
        return value


class LoginInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=MAX_LENGTH)

    @field_validator("username", mode="before")
    @classmethod
    def strip_name(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value
