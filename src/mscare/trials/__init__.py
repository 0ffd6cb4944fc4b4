"""Clinical trials: import ClinicalTrials.gov API v2 records, search them, pre-screen eligibility.

Imported trials are user data kept in their own SQLite file (``default_trials_path()``), never in the
content index, which is rebuilt from packaged content.
"""

from __future__ import annotations

from mscare.trials.db import default_trials_path, get_trial
from mscare.trials.importer import import_trials
from mscare.trials.model import (
    ImportResult,
    Reason,
    ScreenResult,
    StudyShapeError,
    Trial,
    TrialHit,
    TrialInputError,
    TrialsError,
    UnknownTrial,
)
from mscare.trials.screen import screen
from mscare.trials.search import search_trials, trials_for_therapy

__all__ = [
    "ImportResult", "Reason", "ScreenResult", "StudyShapeError", "Trial", "TrialHit", "TrialInputError", "TrialsError",
    "UnknownTrial", "default_trials_path", "get_trial", "import_trials", "screen", "search_trials",
    "trials_for_therapy",
]
