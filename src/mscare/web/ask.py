"""Pages: home with the question box, and answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from mscare.ask import QuestionError
from mscare.web.common import citation_numbers, page

router = APIRouter(include_in_schema=False)
COMMON_QUESTIONS = [
    "What is the best MS treatment?", "What is the latest treatment for MS?", "What is a relapse?",
    "Are there natural remedies for MS?", "How does natalizumab work?", "Can I breastfeed with MS?",
]


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    return page(request, "home.html", title="mscare: MS treatment and care, explained with sources",
                questions=COMMON_QUESTIONS, topics=sorted(request.app.state.topics.values(),
                                                          key=lambda t: t.meta.title))


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request, q: str = "") -> HTMLResponse:
    try:
        result = request.app.state.answer(q.strip(), 5)
    except QuestionError as err:
        return page(request, "home.html", status=422, title="Ask a question", error=str(err), q=q[:2000],
                    questions=COMMON_QUESTIONS, topics=[])
    return page(request, "answer.html", title=f"Answer: {q[:60]}", result=result, q=q,
                numbers=citation_numbers(result.sources), topics=request.app.state.topics)
