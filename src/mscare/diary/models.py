"""The diary's tables: every row belongs to an owner, and ``(owner_id, id)`` is its key."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Owned:
    """Columns every diary row has. Ids are unique per owner, so one person's import never clashes with another's."""

    owner_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=False))


class TherapyRow(Owned, Base):
    """A period on one therapy, from its start to its stop (open while taken)."""

    __tablename__ = "diary_therapy"
    therapy_id: Mapped[str] = mapped_column(String(80))
    start: Mapped[dt.date] = mapped_column(Date)
    stop: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class RelapseRow(Owned, Base):
    __tablename__ = "diary_relapse"
    date: Mapped[dt.date] = mapped_column(Date)
    symptoms: Mapped[str] = mapped_column(Text)
    treated_with: Mapped[str | None] = mapped_column(String(80), nullable=True)
    recovery: Mapped[str] = mapped_column(String(16))


class SymptomRow(Owned, Base):
    __tablename__ = "diary_symptom"
    date: Mapped[dt.date] = mapped_column(Date)
    symptom: Mapped[str] = mapped_column(String(40))
    score: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class TestRow(Owned, Base):
    """A test done; ``due_id`` links it to the due item it clears."""

    __tablename__ = "diary_test"
    __test__ = False  # not a pytest class
    date: Mapped[dt.date] = mapped_column(Date)
    test: Mapped[str] = mapped_column(Text)
    due_id: Mapped[str | None] = mapped_column(String(120), nullable=True)
    therapy_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    result: Mapped[str | None] = mapped_column(Text, nullable=True)


ROWS: dict[str, type[TherapyRow | RelapseRow | SymptomRow | TestRow]] = {
    "therapy": TherapyRow, "relapse": RelapseRow, "symptom": SymptomRow, "test": TestRow,
}
