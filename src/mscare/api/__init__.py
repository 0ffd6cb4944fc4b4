"""The REST API, one module per feature; ``ROUTERS`` lists them for the app factory."""

from __future__ import annotations

from fastapi import APIRouter

from mscare.api import accounts, ask, care, diary, health, sources, therapies, topics, trials
from mscare.api.common import ERROR_RESPONSES

ROUTERS: list[APIRouter] = [
    health.router, therapies.router, sources.router, topics.router, ask.router, care.router, trials.router,
    diary.router, diary.body_router, accounts.router, accounts.body_router,
]

__all__ = ["ERROR_RESPONSES", "ROUTERS"]
