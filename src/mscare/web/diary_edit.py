"""Pages: change one diary entry (same id and kind) with the form that added it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from mscare.accounts.web import Visitor, diary_of
from mscare.catalogue import UnknownTherapy
from mscare.diary.db import DiaryConfigError
from mscare.diary.due import due_tests
from mscare.diary.entries import EntryNotFound, update_entry
from mscare.diary.inputs import RECOVERY, DiaryInputError, symptom_names
from mscare.diary.store import Entry, get_entry, transaction
from mscare.web.diary import ENTRY, ENTRY_FIELDS, owner_or_none, read
from mscare.web.diary_common import (
    checked_form,
    diary_page,
    form_values,
    in_thread,
    login_redirect,
    unavailable,
    validation_message,
    who,
)

router = APIRouter(include_in_schema=False)
FORM_FIELDS = {"therapy": ("name", "start", "stop", "reason"),
               "relapse": ("date", "symptoms", "treated_with", "recovery"),
               "symptom": ("date", "symptom", "score", "note"), "test": ("date", "test", "due_id", "result")}


def entry_form(entry: Entry) -> dict[str, Any]:
    """The entry's values as the add form names them."""
    values = {"date": entry.date, **entry.fields}
    if entry.kind == "therapy":
        values["name"] = entry.fields["therapy"]
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()
            if k in FORM_FIELDS[entry.kind] and v is not None}


def edit_form(request: Request, you: Visitor, entry_id: str, kind: str, form: dict[str, Any],
              status: int = 200, error: str | None = None) -> HTMLResponse:
    catalogue = request.app.state.catalogue
    due = read(request, lambda s: due_tests(s, owner=str(you.owner), catalogue=catalogue, today=dt.date.today()))
    title = "Change an entry"
    return diary_page(request, "diary/edit.html", you, status=status,
                      title=f"Please check your answers: {title}" if error else title, error=error, form=form,
                      kind=kind, entry_id=entry_id, recovery=RECOVERY, symptoms=symptom_names(), due=due.due,
                      today=dt.date.today().isoformat())


@router.get("/diary/entries/{entry_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, entry_id: str) -> Response:
    you = owner_or_none(request)
    if you.owner is None:
        return login_redirect(request)
    catalogue = request.app.state.catalogue
    entry = read(request, lambda s: get_entry(s, owner=you.owner, entry_id=entry_id, catalogue=catalogue))
    if entry is None:
        raise HTTPException(status_code=404, detail="There is no such entry in your diary.")
    return edit_form(request, you, entry_id, entry.kind, entry_form(entry))


@router.post("/diary/entries/{entry_id}/edit", response_class=HTMLResponse)
async def edit_post(request: Request, entry_id: str) -> Response:
    you = await who(request)
    form = await checked_form(request, you)
    if you.owner is None:
        return login_redirect(request)
    values = form_values(form, *ENTRY_FIELDS)
    owner, catalogue = you.owner, request.app.state.catalogue

    def store() -> None:
        data = ENTRY.validate_python(values)
        with transaction(diary_of(request)) as session:
            update_entry(session, owner=owner, entry_id=entry_id, data=data, catalogue=catalogue)

    try:
        await in_thread(store)
    except EntryNotFound:
        raise HTTPException(status_code=404, detail="There is no such entry in your diary.") from None
    except ValidationError as err:
        error = validation_message(err)
    except UnknownTherapy as err:
        error = f"Therapy: {err.message()}"
    except DiaryInputError as err:
        error = str(err)
    except (DiaryConfigError, SQLAlchemyError) as err:
        return unavailable(request, err)
    else:
        return RedirectResponse(f"/diary?added={entry_id}#entry-{entry_id}", status_code=303)
    kind = str(values.get("kind", "relapse"))
    return await in_thread(edit_form, request, you, entry_id, kind, values, 422, error)
