"""Server-rendered pages, one module per feature; ``ROUTERS`` lists them for the app factory."""

from __future__ import annotations

from fastapi import APIRouter

from mscare.web import accounts, ask, care, diary, diary_edit, therapies, topics, trials
from mscare.web.common import install_error_pages, latest_review

ROUTERS: list[APIRouter] = [ask.router, therapies.router, topics.router, care.router, trials.router, diary.router,
                            diary_edit.router, accounts.router]

__all__ = ["ROUTERS", "install_error_pages", "latest_review"]
