from collections import Counter

from ingest.gazetteer import Board, boards, gazetteer_words, genitive, municipalities, public_bodies, regions

MUNICIPALITIES_PER_COUNTY = {
    "Stockholms län": 26, "Uppsala län": 8, "Södermanlands län": 9, "Östergötlands län": 13,
    "Jönköpings län": 13, "Kronobergs län": 8, "Kalmar län": 12, "Gotlands län": 1,
    "Blekinge län": 5, "Skåne län": 33, "Hallands län": 6, "Västra Götalands län": 49,
    "Värmlands län": 16, "Örebro län": 12, "Västmanlands län": 10, "Dalarnas län": 15,
    "Gävleborgs län": 10, "Västernorrlands län": 7, "Jämtlands län": 8, "Västerbottens län": 15,
    "Norrbottens län": 14,
}


def test_all_290_municipalities_with_unique_names():
    names = [m.name for m in municipalities()]
    assert len(names) == 290
    assert len(set(names)) == 290
    assert len({m.official_name for m in municipalities()}) == 290


def test_municipalities_per_county():
    assert Counter(m.county for m in municipalities()) == MUNICIPALITIES_PER_COUNTY


def test_official_names():
    official = {m.name: m.official_name for m in municipalities()}
    assert official["Huddinge"] == "Huddinge kommun"
    assert official["Stockholm"] == "Stockholms stad"
    assert official["Tyresö"] == "Tyresö kommun"
    assert official["Värmdö"] == "Värmdö kommun"
    assert official["Södertälje"] == "Södertälje kommun"
    assert official["Åre"] == "Åre kommun"
    assert official["Göteborg"] == "Göteborgs Stad"
    assert official["Falun"] == "Falu kommun"
    assert {m.county for m in municipalities() if m.name == "Huddinge"} == {"Stockholms län"}


def test_every_field_is_filled_and_trimmed():
    for m in municipalities():
        for field in m:
            assert field and field == field.strip(), m
        assert m.official_name.endswith((" kommun", " stad", " Stad")) or m.official_name == "Region Gotland"
        assert m.county.endswith(" län")


def test_21_regions_one_per_county():
    assert len(regions()) == 21
    assert {r.county for r in regions()} == set(MUNICIPALITIES_PER_COUNTY)
    names = {r.name for r in regions()}
    assert {"Region Stockholm", "Västra Götalandsregionen", "Region Skåne"} <= names


def test_public_bodies():
    by_name = {b.name: b.abbreviation for b in public_bodies()}
    assert "Södertörns högskola" in by_name
    assert "Karolinska Institutet" in by_name
    assert by_name["Inspektionen för vård och omsorg"] == "IVO"
    assert by_name["Sveriges Kommuner och Regioner"] == "SKR"
    assert by_name["Socialstyrelsen"] is None
    assert len(by_name) == len(public_bodies())


def test_boards():
    assert Board("Socialnämnden", "SN") in boards()
    assert Board("Kommunstyrelsen", "KS") in boards()
    assert Board("Kommunfullmäktige", "KF") in boards()
    assert Board("Valberedningen", None) in boards()
    assert len({b.name for b in boards()}) == len(boards())


def test_gazetteer_words():
    words = gazetteer_words()
    assert {"tyresö", "värmdö", "södertörns", "huddinges", "stockholms", "tyresös", "ivo"} <= words
    assert {"upplands-bro", "upplands", "bro", "malung-sälen", "sälen"} <= words
    assert all(word == word.lower() and word.strip() == word and word for word in words)


def test_genitive():
    assert genitive("Huddinge") == "Huddinges"
    assert genitive("Stockholm") == "Stockholms"
    assert genitive("Borås") == "Borås"


def test_loading_is_cached():
    for load in (municipalities, regions, public_bodies, boards, gazetteer_words):
        assert load() is load()
