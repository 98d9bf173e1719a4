"""Tagging: a document's type and the metadata a clerk writes on its cover.

``tag`` is the pipeline stage; each field has its own module (``dates``,
``dnr``, ``board``, ``municipality``, ``title``, ...), reading the header block
through ``layout`` and the names of Swedish public bodies through
``ingest.gazetteer``."""

from .tag import tag, tag_text

__all__ = ["tag", "tag_text"]
