"""The ingest progress bar: files done, and while OCR runs, its pages (of the
file that last reported one, when document workers read several at once)."""

import sys
from pathlib import Path

import click


class IngestProgress:
    def __init__(self, files: int, *, visible: bool):
        self.bar = click.progressbar(length=max(files, 1), label="Ingesting", file=sys.stderr,
                                     show_pos=True, hidden=not visible, item_show_func=lambda text: text)
        self.name = ""

    def __enter__(self):
        self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        self.bar.__exit__(*exc)

    def start(self, item) -> None:
        self.name = short_name(item)
        self._show(self.name)

    def ocr_page(self, done: int, total: int, item=None) -> None:
        name = short_name(item) if item is not None else self.name
        self._show(f"{name}: OCR page {done}/{total}")

    def advance(self, item, outcome: str | None = None) -> None:
        self.bar.update(1, current_item=self.name)

    def _show(self, text: str) -> None:
        # click redraws only when the bar moves; a new label alone must be drawn by hand.
        self.bar.current_item = text
        self.bar.render_progress()


def short_name(item) -> str:
    name = Path(str(getattr(item, "path", item))).name
    return name if len(name) <= 40 else name[:37] + "..."
