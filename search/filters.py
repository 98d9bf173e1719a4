"""What a user restricts a search by (--type, --board, --municipality, --dnr,
--from, --to), checked and put as the index takes it."""

from beslut.errors import QueryError
from corpus.tags import document_type, iso_date
from index import SearchFilters


def search_filters(*, doc_type: str | None = None, board: str | None = None,
                   municipality: str | None = None, dnr: str | None = None,
                   date_from: str | None = None, date_to: str | None = None) -> SearchFilters:
    """InvalidValue or QueryError, as one line for the user, if a value is wrong."""
    named = {"--board": board, "--municipality": municipality, "--dnr": dnr}
    for option, value in named.items():
        if value is not None and not value.strip():
            raise QueryError(f"{option} needs a value")
    filters = SearchFilters(
        type=document_type(doc_type) if doc_type is not None else None,
        board=board, municipality=municipality, dnr=dnr,
        date_from=iso_date(date_from, "--from") if date_from is not None else None,
        date_to=iso_date(date_to, "--to") if date_to is not None else None,
    )
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise QueryError(f"--from {filters.date_from} is after --to {filters.date_to}")
    return filters


def describe(filters: SearchFilters) -> str:
    """The filters in words: "type avtal, board Socialnämnden, dated 2020-01-01 or later"."""
    parts = [f"{name} {getattr(filters, name)}" for name in ("type", "board", "municipality", "dnr")
             if getattr(filters, name) is not None]
    start, end = filters.date_from, filters.date_to
    if start and end:
        parts.append(f"dated {start}" if start == end else f"dated {start} to {end}")
    elif start:
        parts.append(f"dated {start} or later")
    elif end:
        parts.append(f"dated {end} or earlier")
    return ", ".join(parts)
