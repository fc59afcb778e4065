"""schemathesis hooks for scripts/contract.sh (loaded through SCHEMATHESIS_HOOKS).

The period parameters (`from`, `to`) have rules JSON Schema cannot state: `from` <= `to`, at
most 36 months from first to last month, a missing end filled from the 36 months up to today,
and a day must exist in its month. The document says so in each parameter's description and
its pattern carries every rule about one value alone. So that a schema-valid *positive* case
also meets the rules between values, its periods are moved into last year (month and day
digits kept; the 29th-31st become the 28th) and put in order. Negative cases are left alone:
they are meant to break the schema, and do.

Likewise `cursor` (GET /me/drugs) is only valid as the `next_cursor` of an earlier page, which
a generated request cannot know: a positive case's cursor becomes the first page's
(`bzow`, URL-safe base64 of `o:0`).
"""

import datetime
import re

import schemathesis
from schemathesis import GenerationMode

FIRST_PAGE = "bzow"
BOUND = re.compile(r"^([0-9]{4})-([0-9]{2})(-([0-9]{2}))?$")


def _into_last_year(raw):
    m = BOUND.match(raw) if isinstance(raw, str) else None
    if m is None:
        return raw
    year = datetime.date.today().year - 1
    day = m.group(4)
    if day is None:
        return f"{year}-{m.group(2)}"
    return f"{year}-{m.group(2)}-{min(int(day), 28):02d}"


def _key(raw):
    # YYYY-MM sorts as its first day: compare on the padded form.
    return raw if len(raw) == 10 else raw + "-01"


@schemathesis.hook
def map_case(context, case):
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE or not case.query:
        return case
    query = dict(case.query)
    for name in ("from", "to"):
        if name in query:
            query[name] = _into_last_year(query[name])
    f, t = query.get("from"), query.get("to")
    if isinstance(f, str) and isinstance(t, str) and BOUND.match(f) and BOUND.match(t):
        if _key(f) > _key(t):
            query["from"], query["to"] = t, f
        # A day bound with a month bound of the same month: the day must not fall after the
        # month's end or before its start, which holds for the 1st-28th.
    # FHIR `date` (GET /me/fhir/MedicationDispense, ExplanationOfBenefit): repeated ge/le
    # bounds whose rules between values (each once, in order, 36 months) no schema states.
    if "date" in query:
        year = datetime.date.today().year - 1
        query["date"] = [f"ge{year}-01-01", f"le{year}-12-31"]
    if "cursor" in query:
        query["cursor"] = FIRST_PAGE
    case.query = query
    return case
