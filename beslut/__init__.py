"""beslut: search a Swedish municipality's archive of board documents.

The pipeline's stages are top-level packages, data flowing one way:
``ingest`` (file -> clean, tagged document) -> ``corpus`` (the durable store)
-> ``index`` (the derived full-text index) -> ``search`` (queries and their
presentation). This package holds what they share and the command line.
"""

__version__ = "0.1.0"
