"""Places in a source: shown as users read them, read back exactly, ordered as the source."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractor.location import Location

# The text form cannot tell a "#" in a file name, or a "!" in a sheet name, from its own marks:
# such names read back differently (the place is still shown as printed).
names = st.text(
    alphabet=st.characters(blacklist_characters="#!", blacklist_categories=("Cs",)), min_size=1
)
numbers = st.integers(min_value=1, max_value=10**6)
columns = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3)
places = st.one_of(
    st.builds(Location, names),
    st.builds(Location, names, names),
    st.builds(Location, names, names, line=numbers),
    st.builds(Location, names, names, line=numbers, column=columns),
    st.builds(Location, names, page=numbers),
    st.builds(Location, names, page=numbers, line=numbers),
)


@given(places)
def test_text_form_reads_back_exactly(place: Location) -> None:
    assert Location.parse(str(place)) == place


def test_text_forms_users_see() -> None:
    assert str(Location("a.xlsx", "Feuil1", line=7, column="E")) == "a.xlsx#Feuil1!E7"
    assert str(Location("a.xlsx", "Feuil1", line=7)) == "a.xlsx#Feuil1!7"
    assert str(Location("c.pdf", page=2, line=14)) == "c.pdf#page=2&line=14"


def test_source_order_is_by_page_line_and_column() -> None:
    sheet = Location("a.xlsx", "S")
    places = [sheet.at(10, "B"), sheet.at(9, "AA"), sheet.at(9, "C"), sheet, sheet.at(9)]
    assert sorted(places, key=lambda p: p.order) == [
        sheet,
        sheet.at(9),
        sheet.at(9, "C"),
        sheet.at(9, "AA"),
        sheet.at(10, "B"),
    ]
    pages = [Location("c.pdf", page=10, line=1), Location("c.pdf", page=2, line=30)]
    assert sorted(pages, key=lambda p: p.order) == pages[::-1]


def test_column_letters_are_openpyxl_s_for_every_three_letter_column() -> None:
    from openpyxl.utils import get_column_letter

    from extractor.location import column_letter

    assert [column_letter(n) for n in range(1, 18279)] == [
        get_column_letter(n) for n in range(1, 18279)
    ]
