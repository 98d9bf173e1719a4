"""The decision or proposal a document puts forward: the text under "Förslag
till beslut", "Beslut" or a protokoll's "Socialnämndens beslut", up to the next
blank line."""

import re

from . import layout

HEADINGS = ("Förslag till beslut", "Förvaltningens förslag till beslut", "Ordförandens förslag",
            "Förslag till nämnden", "Beslut", "Nämndens beslut")
BOARD_DECISION = re.compile(r"^[\w\- ]+s beslut$", re.IGNORECASE)
MAX_CHARS = 2000


def find_decision(text: str) -> tuple[str, str] | None:
    """(the decision text, its heading), or None."""
    all_lines = layout.lines(text)
    for i, line in enumerate(all_lines):
        if not line or not (layout.is_heading(line, HEADINGS) or BOARD_DECISION.match(line)):
            continue
        body = []
        for following in all_lines[i + 1:]:
            if not following:
                if body:
                    break
                continue
            body.append(following)
        decision = "\n".join(body)[:MAX_CHARS].strip()
        if decision:
            return decision, line
    return None
