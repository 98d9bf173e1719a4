"""Repair of English-model OCR damage: what it fixes, what it must never touch,
and that no input, however odd, breaks it."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.quality import DAMAGE
from ingest.repair import repair_text

from .conftest import seed


def test_clean_seeds_come_out_unchanged():
    for number in ("000", "002", "003"):
        result = repair_text(seed(number).read_text("utf-8"))
        assert result.changes == () and not result.damaged, (number, result.changes[:5])


def test_seed_001_reads_as_swedish_again():
    raw = seed("001").read_text("utf-8")
    result = repair_text(raw)
    assert result.damaged
    assert "Sodertorns hogskola" in raw and "Södertörns högskola" in result.text
    assert "i enlighet med förvaltningens" in result.text  # "1 enlighet med forvaltningens"
    assert "bilaga 1 till" in result.text  # a real number stays a number


def test_each_change_says_where_what_and_why():
    text = "Arbetsutskottet foreslar att besluta 1 enlighet med 6versyn av utveck-\nlingen."
    result = repair_text(text)
    assert result.text == "Arbetsutskottet föreslår att besluta i enlighet med översyn av utvecklingen."
    for change in result.changes:
        assert text[change.start:change.end] == change.before
        assert change.reason
    assert {c.reason for c in result.changes} >= {"stripped diacritics", "I/i", "ö", "hyphenation"}


def test_protected_tokens_are_never_touched():
    damaged = "Socialnamnden foreslar att forvaltningen ska gora en oversyn. "
    protected = ("Dnr SN 2021/123, KS-2019/0456, 2020-06-16, 1 250 000 kr, FoU, LSS och SBU; "
                 "se www.fouvalfard.se eller skriv till asa.ostlund@huddinge.se; "
                 "Research Institutes of Sweden")
    result = repair_text(damaged + protected)
    assert result.damaged
    assert result.text.endswith(protected), result.text
    assert result.text.startswith("Socialnämnden föreslår att förvaltningen ska göra en översyn.")


def test_a_hyphen_after_an_abbreviation_stays():
    result = repair_text("Det finns fyra FoU-\nenheter i regionen och manga forvaltningar.")
    assert "FoU-enheter" in result.text


def test_mojibake_is_fixed():
    result = repair_text("SocialnÃ¤mnden beslutar fÃ¶r pÃ¥ mÃ¶tet.")
    assert result.text == "Socialnämnden beslutar för på mötet."
    assert {c.reason for c in result.changes} == {"mojibake"}


DAMAGED_OPENING = "Socialnamnden foreslar att forvaltningen far i uppdrag att gora en 6versyn. "


def test_context_decides_between_valid_words():
    # "far", "ar", "starka" are words too; in damaged text their neighbours decide.
    result = repair_text(DAMAGED_OPENING + "Namnden far anvanda pengarna under tre ar for att "
                         "starka verksamheten, och det ar viktigt.")
    assert "Nämnden får använda pengarna under tre år för att stärka verksamheten, och det " \
           "är viktigt." in result.text, result.text


def test_valid_words_in_clean_text_are_left_alone():
    # The same words where nothing shows OCR damage: "far" and "har" may mean just that.
    text = "Hans far bor i Lund och har en son som bara tar bussen hem."
    assert repair_text(text).changes == ()


def test_a_text_that_kept_its_letters_keeps_its_valid_words():
    text = ("Nämnden får använda pengarna för att stärka verksamheten och förvaltningen ska "
            "återkomma med en redovisning. Hans far bor i Lund. Kommunen har tagit fram en plan "
            "för hogskola och näringsliv, som är viktig för regionens utveckling.")
    result = repair_text(text)
    assert "högskola" in result.text  # an unknown word is still read
    assert "Hans far bor i Lund" in result.text


def test_line_end_hyphens_in_numbers_single_letters_and_words():
    result = repair_text(DAMAGED_OPENING + "Beslutet galler 2022-03-\n01 och finns i e-\ntjansten, "
                         "en utveck-\nling som namnden onskar.")
    assert "2022-03-01" in result.text and "e-tjänsten" in result.text
    assert "utveckling" in result.text


def test_abbreviation_endings_and_capital_o_for_small_o_umlaut():
    result = repair_text(DAMAGED_OPENING + "Antalet SIP:ar har okat och kostnaderna Overstiger "
                         "budgeten, men namnden tycker att det ar ratt.")
    assert "SIP:ar" in result.text
    assert "kostnaderna överstiger budgeten" in result.text, result.text


def test_words_in_capitals_are_read_in_a_damaged_text_and_abbreviations_are_not():
    heading = "SALA SAMMANTRADESPROTOKOLL\nKOMMUN BILDNINGS- OCH LARANDENAMNDEN\nKFKS HSLF-FS UNESCO\n\n"
    result = repair_text(heading + DAMAGED_OPENING)
    assert "SAMMANTRÄDESPROTOKOLL" in result.text and "LÄRANDENÄMNDEN" in result.text, result.text
    assert "KFKS HSLF-FS UNESCO" in result.text
    # In a text without damage, capitals are as the writer set them.
    clean = repair_text(heading + seed("000").read_text("utf-8"))
    assert not clean.damaged and clean.text.startswith(heading)


def test_bullets_read_as_asterisks():
    result = repair_text(DAMAGED_OPENING + "Syftet ar att\n\n* starka samverkan\n* oka kunskapen\n")
    assert "\n• stärka samverkan\n• öka kunskapen" in result.text, result.text


# ---- any input at all -----------------------------------------------------------------

ODD_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=300) | st.text(
    alphabet=st.sampled_from(list("aäåoöéd6&|1 \n\t-.,:ÃÂ¶¥¤\x00\u202e\u200b😀§")), max_size=300)


@settings(max_examples=300, deadline=None)
@given(ODD_TEXT)
def test_any_text_gives_text_and_consistent_changes(text):
    result = repair_text(text)
    assert isinstance(result.text, str)
    rebuilt, position = [], 0
    for change in result.changes:
        assert position <= change.start <= change.end <= len(text)
        assert text[change.start:change.end] == change.before
        rebuilt.append(text[position:change.start] + change.after)
        position = change.end
    assert "".join(rebuilt) + text[position:] == result.text


SWEDISH_WORDS = ["Socialnämnden", "beslutar", "att", "godkänna", "avtalet", "med", "Region",
                 "Stockholm", "om", "vård", "och", "omsorg", "för", "äldre", "i", "Tyresö",
                 "år", "2021", "förvaltningen", "har", "utrett", "ärendet", "på", "uppdrag"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SWEDISH_WORDS), min_size=1, max_size=60),
       st.lists(st.sampled_from([" ", " ", " ", "\n", ". ", ", "]), min_size=60, max_size=60))
def test_text_without_a_suspicious_token_comes_back_unchanged(words, separators):
    text = "".join(word + separators[i] for i, word in enumerate(words))
    assert not any(DAMAGE.search(w) for w in re.findall(r"\S+", text))
    assert repair_text(text).text == text


def test_a_ten_megabyte_line_is_handled():
    line = ("Förvaltningen föreslår att nämnden godkänner avtalet. " * 200_000)[:10_000_000]
    result = repair_text(line)
    assert result.text == line


def test_lone_surrogates_control_characters_and_right_to_left_text():
    text = "F\udcc3\udcb6rslag \x00till\x07 beslut \u202eלשון\u202c om f\udcc3rvaltningen 😀 6versyn"
    result = repair_text(text)
    assert isinstance(result.text, str)
    assert "\udcc3" in result.text  # what repair cannot read, it leaves as it was
    assert "översyn" in result.text or "6versyn" in result.text
