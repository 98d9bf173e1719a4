"""The tantivy index's fields, and a document's values for them: index.fields'
values with our Swedish analysis done in Python (index.analysis), so that
tantivy only splits the result at spaces.

A text field (title, text, text_folded) gets the terms of its words, one a
word (the stop words left out, as whoosh numbers positions), then each
compound part after a separator: "teckn samverkansavtal region | samverkan |
avtal". tantivy's tokenizer gives every token the next position and drops the
separators (a stop word to it), so the words keep adjacent positions for
phrases, the parts count for the field's term frequencies and length as in
whoosh, and no two parts stand next to each other. whoosh puts a compound's
parts at the compound's own position, so that "avtal med regionen" finds
"samverkansavtal med regionen"; here the fields compounds and compounds_folded
hold "part+compound" for every compound of a document, and a phrase asks for
the compounds holding a word as well as the word itself (index.tantivy_query).

Keyword fields hold their values as the whoosh schema's analyzers make them
(the query syntax is parsed with it), and, for facets, as stored."""

from .analysis import MAX_REMEMBERED_WORDS, TOKEN_PATTERN, word_terms
from .fields import KEYWORD_FIELDS

TERMS_TOKENIZER = "beslut_terms"  # spaces split, SEPARATOR dropped
SEPARATOR = "|"  # never a term: TOKEN_PATTERN's words have no "|"
PART_OF = "+"  # compounds' "part+compound"; never in a term either
TEXT_FIELDS = ("title", "text", "text_folded")
COMPOUND_FIELDS = {"title": "compounds", "text": "compounds", "text_folded": "compounds_folded"}
# Values as stored, for facets (a fast field each) and for telling copies apart.
FACET_VALUE_FIELDS = {"type": "type_value", "board": "board_value", "municipality": "municipality_value",
                      "year": "year"}
DAY_FIELD = "day"  # YYYYMMDD as an integer; none without a date


def make_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    for name in ("id", "content_key", "stamp"):
        # content_key also as a fast field: the keys held more than once are counted from it.
        builder.add_text_field(name, stored=True, fast=name == "content_key", tokenizer_name="raw",
                               index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, tokenizer_name=TERMS_TOKENIZER)
    for name in sorted(set(COMPOUND_FIELDS.values())):  # fields are numbered in the order added
        builder.add_text_field(name, tokenizer_name=TERMS_TOKENIZER, index_option="basic")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in FACET_VALUE_FIELDS.values():
        builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field(DAY_FIELD, indexed=True, fast=True)
    return builder.build()


def register_tokenizers(ix) -> None:
    """What every opening of the index must do before writing to it."""
    import tantivy

    ix.register_tokenizer(TERMS_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
                          .filter(tantivy.Filter.custom_stopword([SEPARATOR])).build())


def document_values(fields: dict) -> dict:
    """{tantivy field: str or int} for a document's index_fields()."""
    from .query_syntax import schema

    whoosh_schema = schema()
    values = {name: fields[name] for name in ("id", "content_key", "stamp")}
    compounds: set[str] = set()
    folded_compounds: set[str] = set()
    values["title"], _ = _analysed(fields["title"], compounds, None)
    # text and text_folded are the same text (index.fields), analysed in one pass.
    values["text"], values["text_folded"] = _analysed(fields["text"], compounds, folded_compounds)
    values["compounds"] = " ".join(compounds)
    values["compounds_folded"] = " ".join(folded_compounds)
    for name in KEYWORD_FIELDS:
        if fields.get(name):
            terms = list(whoosh_schema[name].process_text(fields[name], mode="index"))
            if terms:
                values[name] = terms[0]
    for name, value_field in FACET_VALUE_FIELDS.items():
        if fields.get(name):
            values[value_field] = fields[name]
    if fields["sort_date"]:
        values[DAY_FIELD] = int(fields["sort_date"].replace("-", ""))
    return values


# {word as written: (its term, its term folded, its parts' terms, folded)}: the
# terms of analysis.word_terms when indexing, None for a stop word.
_known: dict[str, tuple] = {}


def _entry(word: str) -> tuple:
    if len(_known) >= MAX_REMEMBERED_WORDS:
        _known.clear()
    terms = word_terms(word, folded=False, indexing=True) or (None,)
    folded = word_terms(word, folded=True, indexing=True) or (None,)
    entry = _known[word] = (terms[0], folded[0], terms[1:], folded[1:])
    return entry


def _analysed(text: str, compounds: set[str], folded_compounds: set[str] | None) -> tuple[str, str | None]:
    """The field's tokens for a text (see the module's doc), and (given
    folded_compounds) the folded field's; each compound's "part+compound"
    added to compounds and folded_compounds."""
    known = _known.get
    entries = [known(word) or _entry(word) for word in TOKEN_PATTERN.findall(text)]
    split = [entry for entry in entries if entry[2] or entry[3]]
    value = _joined([entry[0] for entry in entries if entry[0] is not None],
                    [(entry[0], entry[2]) for entry in split if entry[0] is not None], compounds)
    if folded_compounds is None:
        return value, None
    return value, _joined([entry[1] for entry in entries if entry[1] is not None],
                          [(entry[1], entry[3]) for entry in split if entry[1] is not None], folded_compounds)


def _joined(words: list[str], split: list[tuple[str, tuple[str, ...]]], compounds: set[str]) -> str:
    parts = [part for _, parts in split for part in parts]
    compounds.update(f"{part}{PART_OF}{whole}" for whole, parts in split for part in parts)
    if not parts:
        return " ".join(words)
    return " ".join(words) + f" {SEPARATOR} " + f" {SEPARATOR} ".join(parts)
