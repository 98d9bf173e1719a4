"""The store's tables. The store is the source of truth; the index is rebuilt from it."""

SCHEMA_VERSION = 5

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id               TEXT PRIMARY KEY,        -- SHA-256 of the file's bytes
    status           TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    reason           TEXT,                    -- why it failed
    kind             TEXT,                    -- pdf | image | text
    size             INTEGER NOT NULL,
    mtime_ns         INTEGER,
    last_path        TEXT,                    -- where it was last seen
    page_count       INTEGER NOT NULL DEFAULT 0,
    raw_text         TEXT NOT NULL DEFAULT '',-- as extracted, pages split by form feeds
    text             TEXT NOT NULL DEFAULT '',-- cleaned: what is indexed
    doc_type         TEXT,
    title            TEXT,
    doc_date         TEXT,                    -- the document's own date, ISO
    metadata         TEXT NOT NULL DEFAULT '{}',  -- JSON
    details          TEXT NOT NULL DEFAULT '{}',  -- JSON: encoding, fixes, warnings
    pipeline_version TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS pages (
    doc_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    number  INTEGER NOT NULL,
    source  TEXT NOT NULL,                    -- text-layer | text-file | ocr | re-ocr
    reason  TEXT NOT NULL DEFAULT '',         -- why the text came from there
    chars   INTEGER NOT NULL,
    scores  TEXT NOT NULL DEFAULT '{}',       -- JSON: what decided the source
    PRIMARY KEY (doc_id, number)
);

-- Every file path ingest has seen, and what it held when last looked at.
CREATE TABLE IF NOT EXISTS paths (
    path     TEXT PRIMARY KEY,
    doc_id   TEXT REFERENCES documents(id) ON DELETE SET NULL,
    size     INTEGER,
    mtime_ns INTEGER,
    status   TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    reason   TEXT,
    seen_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS paths_doc_id ON paths(doc_id);

-- Changes the index has not taken yet. Written in the same transaction as the
-- document, emptied once the index has committed them: a crash between the
-- two leaves work here for the next run, never a silent difference.
CREATE TABLE IF NOT EXISTS index_outbox (
    seq    INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('upsert', 'delete'))
);

-- A clerk's corrections (`beslut tag`), kept apart from the pipeline's values in
-- documents and laid over them whenever a document is read (corpus/tags.py), so
-- that re-ingest, a new pipeline version and reindex all keep them.
CREATE TABLE IF NOT EXISTS manual_tags (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    field  TEXT NOT NULL,                     -- type | title | date | board | municipality | dnr
    value  TEXT,                              -- NULL: cleared by hand
    set_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, field)
);

-- Near duplicates (`beslut archive dedupe --apply`): each copy points at the
-- primary kept in its place (the same text as a scan and a born-digital PDF, a
-- re-saved PDF, a text export). Both stay stored; search may show the primary
-- alone. Deleting either document drops the link: the copy stands on its own again.
CREATE TABLE IF NOT EXISTS duplicate_links (
    doc_id     TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,   -- the copy
    primary_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    similarity REAL NOT NULL,                 -- 0-1, of the copy's text to the primary's
    linked_at  TEXT NOT NULL,
    CHECK (doc_id <> primary_id)
);
CREATE INDEX IF NOT EXISTS duplicate_links_primary ON duplicate_links(primary_id);

-- The words no lexicon lists that clean documents write (ingest/vocabulary.py):
-- local names the archive lends repair once enough documents use them.
CREATE TABLE IF NOT EXISTS document_words (
    doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    word   TEXT NOT NULL,                     -- lower case
    PRIMARY KEY (doc_id, word)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS document_words_word ON document_words(word);

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"""


def migrate(db) -> None:
    """Bring a store made by an earlier version up to this schema."""
    page_columns = {row[1] for row in db.execute("PRAGMA table_info(pages)")}
    if "reason" not in page_columns:  # schema 1 -> 2
        db.execute("ALTER TABLE pages ADD COLUMN reason TEXT NOT NULL DEFAULT ''")
    # schema 2 -> 3: the manual_tags table, made by SCHEMA's CREATE TABLE IF NOT EXISTS.
    # schema 3 -> 4: the duplicate_links table, made the same way.
    # schema 4 -> 5: the document_words table, the same; documents stored before lend
    # their words once `archive rerun` has read them again.
    db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
