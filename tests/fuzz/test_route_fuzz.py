"""Random requests to every API and HTML route over one keep-alive connection, with valid values mixed with
garbage and XSS strings (ported from the reliability review's route fuzzer). No 5xx, no reset connection, the
security headers on every response, and no payload echoed unescaped into HTML."""

from __future__ import annotations

import http.client
import random
import urllib.parse
from collections import Counter

from fuzzing import SEED, sized

XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><svg/onload=alert(1)>",
       '</title><script>x</script>', 'javascript:alert(1)', '{{7*7}}', '{% raw %}', '<iframe src=//evil>',
       '`${alert(1)}`', '<a href="x">[1](evil)</a>']
THER = ["tysabri", "ocrevus", "natalizumab", "alemtuzumab", "mitoxantrone", "baclofen", "kesimpta", "mavenclad",
        "gilenya", "ocrelizumab", "ahsct"]
NCT = ["NCT06441617", "NCT06408259", "NCT06433752", "NCT04047628", "nct06441617", "NCT00000000"]
GARBAGE = ["", " ", "0", "-1", "nan", "inf", "-inf", "1e309", "abc", "\u202e\u0645", "\x00", "%00", "../../etc/passwd",
           "'; DROP TABLE trials;--", "A" * 5000, "😀", "1,2,3", "true", "null", "[]"]
DATES = ["1900-01-01", "1989-12-31", "1990-01-01", "2100-12-31", "2101-01-01", "9999-12-31", "0001-01-01",
         "2026-02-30", "2026-02-28", "2024-02-29", "2026-12-06", "20260101", "2026-1-1"]
SLUGS = ["relapses", "fatigue", "pregnancy-and-family-planning"]
ROUTES: dict[str, dict[str, list[str]]] = {
    "/api/therapies": {"category": ["dmt", "relapse", "symptomatic", "off_label", "procedure"]},
    "/api/therapies/{t}": {}, "/api/topics/{s}": {},
    "/api/ask": {"q": ["what is a relapse?", "tysabri pml", "can i breastfeed on ocrevus"],
                 "k": ["1", "5", "20", "21", "0"]},
    "/api/compare": {"names": ["tysabri,ocrevus", "tysabri", "tysabri,tysabri", ",,,", "a,b,c,d,e,f,g"]},
    "/api/monitoring/{t}": {"start": DATES, "months": ["1", "24", "120", "121", "0"]},
    "/api/options": {"ms_type": ["rrms", "ppms", "cis", "spms", "active_spms"], "age": ["30", "1", "119", "120"],
                     "jcv": ["positive", "negative", "unknown"], "route": ["oral", "infusion", "injection"],
                     "region": ["us", "eu"], "priority": ["efficacy", "fewer_tests"],
                     "pregnancy_planned": ["true", "false"]},
    "/api/relapse-check": {"symptoms": ["left leg weak", "tingling", "vision loss"],
                           "hours": ["0", "24", "48", "8760", "8761"], "fever": ["true", "1"],
                           "red_flag": ["vision-loss", "pml", "fever-weakness"]},
    "/api/mitoxantrone-dose": {"dose": ["12", "0.5", "200", "201", "140"]},
    "/api/appointment": {"therapy": THER, "concern": ["side_effects", "pregnancy", "new_symptoms"], "start": DATES},
    "/api/trials": {"q": ["fatigue", "stem cell", "ozanimod"],
                    "status": ["recruiting", "completed", "active, not recruiting"], "phase": ["3", "2/3", "early1"],
                    "near": ["Portland", "45.5,-122.6", "Portland, Oregon"], "within": ["50", "0", "40075", "40076"],
                    "limit": ["1", "1000", "1001"]},
    "/api/trials/{n}": {},
    "/api/trials/{n}/screen": {"age": ["30", "0", "119.9", "120", "12"], "sex": ["F", "M", "X"],
                               "ms_type": ["rrms", "ppms", "bogus"], "edss": ["0", "3.5", "10", "3.3", "10.5"],
                               "dmt": THER},
    "/": {}, "/topics": {}, "/sources": {}, "/healthz": {},
    "/ask": {"q": ["what is a relapse?", "tysabri pml"]},
    "/therapies": {"category": ["dmt", "relapse"], "route": ["oral", "infusion"], "us": ["approved", "withdrawn"],
                   "eu": ["approved", "not_approved"]},
    "/therapies/{t}": {}, "/topics/{s}": {},
    "/compare": {"names": ["tysabri,ocrevus", "tysabri"]},
    "/monitoring": {"therapy": THER, "start": DATES, "months": ["1", "24", "120", "121", "0", "9" * 20]},
    "/relapse-check": {"symptoms": ["left leg weak"], "hours": ["0", "48", "nan", "inf"], "fever": ["true"],
                       "red_flag": ["vision-loss", "pml"], "submitted": ["1"]},
    "/options": {"ms_type": ["rrms", "ppms"], "age": ["30", "0", "200"], "jcv": ["positive"], "route": ["oral"],
                 "region": ["us", "eu"], "priority": ["efficacy"], "no_monthly_tests": ["true"]},
    "/mitoxantrone-dose": {"doses": ["12,12,12", "12;12", "0", "nan", "1e999"]},
    "/appointment": {"therapy": THER, "concern": ["side_effects", "pregnancy"], "start": DATES, "submitted": ["1"]},
    "/trials": {"q": ["fatigue"], "status": ["recruiting"], "phase": ["3"], "near": ["Portland", "45.5,-122.6"],
                "within": ["50", "nan", "inf", "-1"], "submitted": ["1"]},
    "/trials/{n}": {"age": ["30", "nan", "inf", "-1", "200"], "sex": ["F"], "ms_type": ["rrms"],
                    "edss": ["3.5", "nan", "inf"], "dmt": THER},
}
NEED = {"/api/monitoring/{t}": ["start"], "/api/mitoxantrone-dose": ["dose"], "/api/trials/{n}/screen": ["age"],
        "/api/ask": ["q"], "/api/compare": ["names"], "/api/options": ["ms_type"]}
SECURITY = {"content-security-policy": None, "x-content-type-options": "nosniff", "x-frame-options": "DENY",
            "referrer-policy": "no-referrer"}


def pick(rng: random.Random, valid: list[str]) -> str:
    """45% a valid value, 30% garbage, 25% an XSS string."""
    r = rng.random()
    if r < 0.45:
        return rng.choice(valid)
    return rng.choice(GARBAGE) if r < 0.75 else rng.choice(XSS)


def random_request(rng: random.Random) -> tuple[str, list[tuple[str, str]], str]:
    route = rng.choice(list(ROUTES))
    path = (route.replace("{t}", urllib.parse.quote(pick(rng, THER), safe=""))
                 .replace("{s}", urllib.parse.quote(pick(rng, SLUGS), safe=""))
                 .replace("{n}", urllib.parse.quote(pick(rng, NCT), safe="")))
    params = []
    for key, values in ROUTES[route].items():
        if key in NEED.get(route, []) or rng.random() < 0.6:
            params += [(key, pick(rng, values)) for _ in range(rng.choice([1, 1, 1, 2]))]
    method = "HEAD" if rng.random() < 0.05 else "GET"
    return path, params, method


def test_random_requests_on_one_keep_alive_connection(fuzz_server: str) -> None:
    rng = random.Random(SEED)
    host, port = urllib.parse.urlsplit(fuzz_server).netloc.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    problems: list[str] = []
    statuses: Counter[int] = Counter()
    for _ in range(sized(400, 20_000)):
        path, params, method = random_request(rng)
        target = path + ("?" + urllib.parse.urlencode(params) if params else "")
        try:
            conn.request(method, target)
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as err:
            problems.append(f"{method} {target[:150]}: connection error {err!r}")
            conn.close()
            continue
        statuses[response.status] += 1
        if response.status >= 500:
            problems.append(f"{method} {target[:150]}: {response.status} {body[:120]}")
        for name, value in SECURITY.items():
            if not response.getheader(name) or (value and response.getheader(name) != value):
                problems.append(f"{method} {target[:150]}: {response.status} without {name}")
        if "text/html" in (response.getheader("content-type") or ""):
            sent = {v for _, v in params} | {urllib.parse.unquote(path)}
            problems += [f"{target[:150]}: {payload!r} unescaped" for payload in XSS
                         if "<" in payload and any(payload in s for s in sent) and payload in body]
    conn.close()
    print(f"route fuzz: {sum(statuses.values())} responses {dict(sorted(statuses.items()))}")
    assert not problems, "\n".join(problems[:20])
    assert statuses[200] and statuses[422] and statuses[404]
