"""The malformed corpus (tests/malformed.py) in one batch with good files, into
an archive that already holds documents: each bad file is one line naming it,
every good or merely odd file is in, and nothing stored before is lost."""

import os
import re

from .conftest import assert_no_traceback, write_good_documents
from .malformed import Case, write_malformed
from .test_bad_input import check_failed_files, check_failure_lines


def test_malformed_corpus_in_one_batch(tmp_path, make_pdf, run):
    docs = write_good_documents(tmp_path / "arkiv", make_pdf)
    run.ingest_ok(docs.path)  # what was stored before

    good_pdf = make_pdf(tmp_path / "_original.pdf", ["Ett riktigt protokoll om vägunderhåll.",
                                                      "Sida två om snöröjning."]).read_bytes()
    cases = write_malformed(docs.path / "inkommet", good_pdf, tmp_path, make_pdf)
    new_pdf = make_pdf(docs.path / "inkommet" / "nytt.pdf", ["Beslut om Skogsbrynets förskola."])
    new_txt = docs.path / "inkommet" / "nytt.txt"
    new_txt.write_text("Yttrande om Kvarnbackens lekplats.\n", encoding="utf-8")
    # A stored file replaced by a truncated copy: the stored version must stay.
    target = docs.files["protokoll.pdf"]
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 3])
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000_000))
    failing = [c for c in cases if c.reason] + [Case(target, r"damaged PDF|truncated")]
    readable = [c for c in cases if not c.reason]
    assert len(failing) >= 30, len(failing)

    result = run("ingest", docs.path)

    assert result.exit_code == 1, (result.output, result.exception)
    assert_no_traceback(result)
    # One line per bad file, naming it, with its reason; no other line on stderr.
    check_failure_lines(result.stderr, [(c.path, c.reason) for c in failing])
    summary = result.stdout.strip().splitlines()[-1]
    assert re.search(rf"\b{len(failing)} failed\b", summary), summary

    # Everything readable is in: the odd files, the new good ones.
    for case in readable:
        assert run.search_ids(case.word), f"{case.path.name}: {case.word!r} not found"
    assert run.search_ids("Skogsbrynets") and run.search_ids("Kvarnbackens")
    # Nothing stored before is lost, the replaced PDF's stored version included.
    for name, word in docs.words.items():
        assert run.search_ids(word) == [docs.id(name)], name
    status = run.status()
    check_failed_files(status, [(c.path, c.reason) for c in failing])
    assert status["consistent"] is True
    assert run.json("show", docs.id("protokoll.pdf"))["status"] == "ok"
    # The odd PDFs are read as they are, not as their page trees claim.
    tree_bomb = run.json("search", "Tradbomben")["hits"][0]["id"]
    assert run.json("show", tree_bomb)["page_count"] == 1
    verified = run.json("archive", "verify", ok_codes=(0, 1))
    assert verified["index"]["missing_from_index"] == [] and verified["index"]["stale"] == []
