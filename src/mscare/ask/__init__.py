"""Question answering over mscare content."""

from mscare.ask.engine import Answer, QuestionError, answer

__all__ = ["Answer", "QuestionError", "answer"]
