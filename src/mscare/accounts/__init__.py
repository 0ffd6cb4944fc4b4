"""Accounts for shared mode (``mscare serve --accounts``): each person's diary is theirs alone.

Entry points, each taking a SQLAlchemy session of the diary database (``mscare.diary.store.transaction``):

- ``service.create_account(session, data=AccountInput)`` -> ``AccountRow`` (``NameTaken``; ``AccountInputError``
  for a weak password).
- ``service.log_in(session, data=LoginInput, now=...)`` -> ``(AccountRow, token, SessionRow)``, or None for a wrong
  name or password (one message, ``BAD_LOGIN``, for both); ``TooManyAttempts`` after 5 failures for a name within
  15 minutes.
- ``service.session_for(session, token, now=...)`` -> ``SessionRow | None`` (expired sessions are gone);
  ``service.log_out``; ``service.delete_account`` (with every diary entry of the account).

An account's ``id`` is the owner id of its diary rows, so the diary's owner filter isolates people. Local mode has
no accounts: the CLI and ``mscare serve`` on loopback use ``mscare.diary.db.LOCAL_OWNER``.
"""
