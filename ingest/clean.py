"""Fix text-level damage with ftfy (mojibake, broken encodings, ligatures) and
say what was fixed. Configured so that correct Swedish comes out unchanged."""

import ftfy

from .document import Document

# ftfy's defaults would also straighten curly quotes (”God ekonomi”), which is
# not damage: Swedish typography uses them.
FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, explain=True)


def fix_and_explain(text: str) -> tuple[str, list[str]]:
    """Return the fixed text and the names of the ftfy steps that changed it."""
    fixed, explanation = ftfy.fix_and_explain(text, config=FTFY_CONFIG)
    if fixed == text:  # ftfy lists steps it tried even when they changed nothing
        return text, []
    return fixed, [f"{action} {detail}" for action, detail in (explanation or [])]


def clean(doc: Document) -> Document:
    texts, fixes = [], []
    for page in doc.pages:
        fixed, steps = fix_and_explain(page.text)
        texts.append(fixed)
        if steps:
            fixes.append({"page": page.number, "stage": "ftfy", "steps": steps})
    return doc.evolve(text="\f".join(texts), fixes=tuple(fixes))
