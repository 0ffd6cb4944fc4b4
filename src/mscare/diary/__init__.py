"""My MS diary: personal, local-first records of therapies, relapses, symptoms and tests.

The core API every face uses (the CLI in ``mscare.cli.diary``; web and API faces follow the same pattern):

- ``db.open_diary(url=None) -> Diary``: engine and session factory; creates and migrates the database on first use.
- ``store.transaction(diary)``: one session, one transaction. Writes go through ``store`` only
  (``add_therapy``, ``stop_therapy``, ``add_relapse``, ``add_symptom``, ``add_test``, ``delete_entry``,
  ``insert_rows``), each taking ``session``, ``owner`` and an input model from ``inputs`` and returning an
  ``Entry``; reads (``list_entries``) filter by ``owner`` too.
- ``due.due_tests``, ``summary.build_summary``, ``fhir.fhir_bundle``, ``io.export_document`` /
  ``io.import_document`` / ``io.backup``: the features, over a session and an owner.

Bad input raises ``inputs.DiaryInputError`` (one line) or ``catalogue.UnknownTherapy``; database problems raise
``db.DiaryConfigError``.
"""
