"""Searching by type, board, municipality, date and dnr: the search options, the
same as fields in the query, sorting by date and facet counts.

Every document's tags are set by hand with `beslut tag` (what the tagger finds
does not matter here), so each expected hit list and count follows from TAGS."""

import json

import pytest

from .conftest import ProcessRunner, Runner, assert_no_traceback, engine_set, sha256_of

# name: (text, type, board, municipality, date, dnr); None: cleared by hand.
TAGS = {
    "avtal": ("Avtal om samverkan med Karolinska Institutet kring vårdforskning.",
              "avtal", "Kommunstyrelsen", "Huddinge", "2020-03-01", "KS 2020/12"),
    "tu2020": ("Tjänsteutlåtande om samverkan kring hemtjänsten i Flemingsberg.",
               "tjansteutlatande", "Socialnämnden", "Huddinge", "2020-06-16", "SN 2020/45"),
    "tu2021": ("Tjänsteutlåtande om samverkan kring akademiska noder i Stockholm.",
               "tjansteutlatande", "Socialnämnden", "Stockholm", "2021-01-01", "SN 2021/123"),
    "protokoll": ("Protokoll från arbetsutskottet om samverkan kring näringslivet.",
                  "protokoll", "Kommunstyrelsens arbetsutskott", "Huddinge", "2020-12-31", None),
    "utredning": ("Utredning om samverkan kring kollektivtrafiken i Skåne.",
                  "utredning", None, "Region Skåne", None, None),
    "kallelse": ("Kallelse till sammanträde om samverkan kring socialtjänsten.",
                 "kallelse", "Socialnämnden", "Stockholm", "2019-11-05", None),
}
FIELDS = ("type", "board", "municipality", "date", "dnr")


def tag_args(name: str) -> list[str]:
    args = []
    for field, value in zip(FIELDS, TAGS[name][1:]):
        args += [f"--{field}", value] if value is not None else ["--clear", field]
    return args


@pytest.fixture(scope="module")
def archive(tmp_path_factory, module_engine):
    """The six documents ingested and tagged by hand, with each engine: (run, {name: id})."""
    root = tmp_path_factory.mktemp(f"filters-{module_engine}")
    folder = root / "docs"
    folder.mkdir()
    ids = {}
    for name, (text, *_) in TAGS.items():
        path = folder / f"{name}.txt"
        path.write_text(text + "\n", encoding="utf-8")
        ids[name] = sha256_of(path)
    run = Runner(root / "home")
    with engine_set(module_engine):
        run.ingest_ok(folder)
    for name, doc_id in ids.items():
        result = run("tag", doc_id[:10], *tag_args(name))
        assert result.exit_code == 0, result.output
        assert_no_traceback(result)
    return run, ids


def names(archive, *args) -> list[str]:
    """The hits of a search with --json, as fixture names, in order."""
    run, ids = archive
    by_id = {doc_id: name for name, doc_id in ids.items()}
    result = run.json("search", *args, "--limit", "50")
    assert result["total"] == len(result["hits"])
    return [by_id[hit["id"]] for hit in result["hits"]]


def one_error_line(result) -> str:
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert_no_traceback(result)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# ---- the options ----------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["--type", "avtal"], {"avtal"}),
    (["--type", "tjansteutlatande"], {"tu2020", "tu2021"}),
    (["--type", "Tjänsteutlåtande"], {"tu2020", "tu2021"}),  # as written in Swedish
    (["--type", "motion"], set()),
    (["--board", "socialnämnden"], {"tu2020", "tu2021", "kallelse"}),
    (["--board", "SOCIALNÄMNDEN"], {"tu2020", "tu2021", "kallelse"}),
    (["--board", "Kommunstyrelsen"], {"avtal"}),  # whole names: not the arbetsutskott
    (["--board", "kommunstyrelsens  arbetsutskott"], {"protokoll"}),
    (["--municipality", "huddinge"], {"avtal", "tu2020", "protokoll"}),
    (["--municipality", "region skåne"], {"utredning"}),
    (["--municipality", "Skåne"], set()),
    (["--dnr", "sn 2021/123"], {"tu2021"}),
    (["--dnr", "SN 2021"], set()),  # matched whole
    (["--type", "tjansteutlatande", "--municipality", "Stockholm"], {"tu2021"}),
    (["--board", "Socialnämnden", "--from", "2020-01-01"], {"tu2020", "tu2021"}),
])
def test_filters(archive, args, expected):
    assert set(names(archive, "samverkan", *args)) == expected


@pytest.mark.parametrize("args, expected", [
    (["--from", "2020-06-16"], {"tu2020", "tu2021", "protokoll"}),  # inclusive
    (["--from", "2020-06-17"], {"tu2021", "protokoll"}),
    (["--to", "2020-06-16"], {"avtal", "tu2020", "kallelse"}),  # inclusive
    (["--to", "2020-06-15"], {"avtal", "kallelse"}),
    (["--from", "2020-12-31", "--to", "2020-12-31"], {"protokoll"}),
    (["--from", "2021-01-01"], {"tu2021"}),
    (["--from", "2020-01-01", "--to", "2020-12-31"], {"avtal", "tu2020", "protokoll"}),
    (["--to", "2019-11-04"], set()),
])
def test_date_range_edges_and_undated_documents_left_out(archive, args, expected):
    found = set(names(archive, "samverkan", *args))
    assert found == expected
    assert "utredning" not in found  # no date: never within a date range


def test_filters_without_words_list_every_document_within_them_newest_first(archive):
    assert names(archive, "--municipality", "Huddinge") == ["protokoll", "tu2020", "avtal"]
    run, _ = archive
    result = run.json("search", "--board", "Socialnämnden")
    assert result["query"] == "" and result["sort"] == "date"
    assert result["filters"] == {"board": "Socialnämnden"}


def test_sort_by_date_newest_first_undated_last(archive):
    assert names(archive, "samverkan", "--sort", "date") == [
        "tu2021", "protokoll", "tu2020", "avtal", "kallelse", "utredning"]
    run, _ = archive
    result = run.json("search", "samverkan", "--sort", "date", "--limit", "2")
    assert result["total"] == 6 and len(result["hits"]) == 2
    assert [h["date"] for h in result["hits"]] == ["2021-01-01", "2020-12-31"]
    assert all(isinstance(h["score"], float) and h["score"] > 0 for h in result["hits"])


def test_sort_by_relevance_is_the_default_with_words(archive):
    run, ids = archive
    result = run.json("search", "hemtjänsten OR samverkan")
    assert result["sort"] == "relevance"
    assert result["hits"][0]["id"] == ids["tu2020"]  # the only one with both words
    scores = [h["score"] for h in result["hits"]]
    assert scores == sorted(scores, reverse=True)


# ---- facets ---------------------------------------------------------------------------

def expected_facets(selected: list[str]) -> dict[str, dict[str, int]]:
    facets = {"type": {}, "board": {}, "municipality": {}, "year": {}}
    for name in selected:
        _, doc_type, board, municipality, date, _ = TAGS[name]
        for facet, value in (("type", doc_type), ("board", board),
                             ("municipality", municipality), ("year", date and date[:4])):
            if value:
                facets[facet][value] = facets[facet].get(value, 0) + 1
    return facets


def test_facets_count_every_hit_not_only_the_page(archive):
    run, _ = archive
    result = run.json("search", "samverkan", "--facets", "--limit", "1")
    assert result["total"] == 6 and len(result["hits"]) == 1
    assert result["facets"] == expected_facets(list(TAGS))
    assert result["facets"]["board"] == {"Socialnämnden": 3, "Kommunstyrelsen": 1,
                                         "Kommunstyrelsens arbetsutskott": 1}
    assert list(result["facets"]["year"]) == ["2021", "2020", "2019"]  # newest first
    counts = list(result["facets"]["municipality"].values())
    assert counts == sorted(counts, reverse=True)  # the commonest first


def test_facets_follow_the_filters(archive):
    run, _ = archive
    result = run.json("search", "samverkan", "--municipality", "Huddinge", "--facets")
    assert result["facets"] == expected_facets(["avtal", "tu2020", "protokoll"])
    result = run.json("search", "--type", "tjansteutlatande", "--facets")
    assert result["facets"] == expected_facets(["tu2020", "tu2021"])


def test_no_facets_unless_asked(archive):
    run, _ = archive
    assert "facets" not in run.json("search", "samverkan")


def test_facets_in_text_output(archive):
    run, _ = archive
    result = run("search", "samverkan", "--facets", "--limit", "2")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "6 documents match 'samverkan'; showing 2"
    block = [line.split(None, 1) for line in lines[2:6]]
    assert block == [
        ["type", "tjansteutlatande 2 · avtal 1 · kallelse 1 · protokoll 1 · utredning 1"],
        ["board", "Socialnämnden 3 · Kommunstyrelsen 1 · Kommunstyrelsens arbetsutskott 1"],
        ["municipality", "Huddinge 3 · Stockholm 2 · Region Skåne 1"],
        ["year", "2021 1 · 2020 3 · 2019 1"],
    ]


# ---- what each hit shows ----------------------------------------------------------------

def test_hits_show_type_board_municipality_and_date(archive):
    run, ids = archive
    hit = run.json("search", "hemtjänsten")["hits"][0]
    assert (hit["type"], hit["board"], hit["municipality"], hit["date"], hit["dnr"]) == (
        "tjansteutlatande", "Socialnämnden", "Huddinge", "2020-06-16", "SN 2020/45")
    text = run("search", "hemtjänsten").stdout
    assert (f"tjansteutlatande · Socialnämnden · Huddinge · 2020-06-16 · {ids['tu2020'][:12]} · "
            in text)
    text = run("search", "kollektivtrafiken").stdout  # no board, no date
    assert f"utredning · Region Skåne · no date · {ids['utredning'][:12]}" in text


def test_header_names_the_filters(archive):
    run, _ = archive
    out = run("search", "samverkan", "--type", "tjansteutlatande", "--from", "2021-01-01").stdout
    assert out.splitlines()[0] == ("1 document matches 'samverkan' with type tjansteutlatande, "
                                   "dated 2021-01-01 or later")
    out = run("search", "--board", "Socialnämnden", "--to", "2019-12-31").stdout
    assert out.splitlines()[0] == "1 document with board Socialnämnden, dated 2019-12-31 or earlier"
    out = run("search", "samverkan", "--type", "motion").stdout
    assert out.strip() == "No documents match 'samverkan' with type motion."


# ---- the same as fields in the query ------------------------------------------------------

@pytest.mark.parametrize("query, expected", [
    ("type:avtal", {"avtal"}),
    ("type:tjänsteutlåtande", {"tu2020", "tu2021"}),
    ("type:TJANSTEUTLATANDE samverkan", {"tu2020", "tu2021"}),
    ("board:socialnämnden", {"tu2020", "tu2021", "kallelse"}),
    ('board:"kommunstyrelsens arbetsutskott"', {"protokoll"}),
    ("municipality:huddinge", {"avtal", "tu2020", "protokoll"}),
    ('municipality:"Region Skåne"', {"utredning"}),
    ("date:[2020-01-01 TO 2020-12-31]", {"avtal", "tu2020", "protokoll"}),
    ("date:[2020-06-16 TO]", {"tu2020", "tu2021", "protokoll"}),
    ("date:2020", {"avtal", "tu2020", "protokoll"}),
    ("date:2020-06", {"tu2020"}),
    ("year:2019", {"kallelse"}),
    ('dnr:"SN 2021/123"', {"tu2021"}),
    ('dnr:"sn 2020/45" OR type:avtal', {"tu2020", "avtal"}),
    ("samverkan NOT board:socialnämnden", {"avtal", "protokoll", "utredning"}),
    ("hemtjänsten AND municipality:huddinge", {"tu2020"}),
    ("hemtjänsten AND municipality:stockholm", set()),
])
def test_query_syntax_fields(archive, query, expected):
    assert set(names(archive, query)) == expected


# ---- wrong values: one line each --------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["samverkan", "--type", "avtl"], ["avtl", "tjansteutlatande", "okänd"]),
    (["samverkan", "--from", "2021-02-30"], ["--from", "2021-02-30", "YYYY-MM-DD"]),
    (["samverkan", "--to", "20210101"], ["--to", "20210101", "YYYY-MM-DD"]),
    (["samverkan", "--from", "i fjol"], ["--from", "YYYY-MM-DD"]),
    (["samverkan", "--from", "2021-01-02", "--to", "2021-01-01"], ["--from", "after", "--to"]),
    (["samverkan", "--board", " "], ["--board"]),
    (["date:2020-13-01"], ["month", "YYYY-MM-DD"]),
    (["samverkan date:[2020-02-30 TO]"], ["YYYY-MM-DD"]),
])
def test_invalid_search_values_are_one_line_errors(archive, args, words):
    run, _ = archive
    line = one_error_line(ProcessRunner(run.home)("search", *args))
    for word in words:
        assert word in line, line


def test_sort_must_be_known(archive):
    run, _ = archive
    result = run("search", "samverkan", "--sort", "title")
    assert result.exit_code == 2 and "relevance" in result.output
    assert_no_traceback(result)


def test_search_json_is_valid_with_every_option(archive):
    run, ids = archive
    result = run("search", "samverkan", "--type", "tjansteutlatande", "--board", "Socialnämnden",
                 "--municipality", "Huddinge", "--from", "2020-01-01", "--to", "2020-12-31",
                 "--dnr", "SN 2020/45", "--sort", "date", "--facets", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [h["id"] for h in data["hits"]] == [ids["tu2020"]]
    assert data["filters"] == {"type": "tjansteutlatande", "board": "Socialnämnden",
                               "municipality": "Huddinge", "dnr": "SN 2020/45",
                               "date_from": "2020-01-01", "date_to": "2020-12-31"}
