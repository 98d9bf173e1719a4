"""Facet counts as the engines give them back: values that differ only in case
counted together, in the order they are shown."""


def facet_counts(name: str, groups: dict) -> dict[str, int]:
    """Hits per value, values that differ only in case counted together under the
    commonest spelling; years newest first, the rest by count."""
    merged: dict[str, list] = {}
    for value, count in groups.items():
        if value:
            entry = merged.setdefault(value.lower(), [value, 0, 0])
            if count > entry[2]:
                entry[0], entry[2] = value, count
            entry[1] += count
    rows = [(value, count) for value, count, _ in merged.values()]
    if name == "year":
        rows.sort(key=lambda row: row[0], reverse=True)
    else:
        rows.sort(key=lambda row: (-row[1], row[0].lower()))
    return dict(rows)
