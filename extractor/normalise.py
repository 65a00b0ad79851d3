"""Raw rows → canonical tariff rows: sections, age bands, footnotes, amounts under a header.

Pure: takes a RawDocument and its CircularInfo, returns rows and issues. Nothing here knows
whether the rows came from a PDF or a workbook.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractor import cells, conditions, rules, variants, vocabulary
from extractor.amounts import complete, read_amounts
from extractor.cells import split_footnote, stated, unplaced_values
from extractor.footnotes import Pending, resolve_footnotes
from extractor.header import Columns, age_groups, code_pair, detect_header
from extractor.model import (
    CircularInfo,
    Extraction,
    Issue,
    RawCell,
    RawDocument,
    RawRow,
    SheetRow,
    TariffRow,
)
from extractor.values import (
    ValueParseError,
    age_band_at,
    clean_text,
    exact_age_band,
    format_age_band,
    looks_like_code,
    narrow_band,
    parse_age_band,
    parse_amount,
    parse_code,
)
from extractor.vocabulary import fold

_CODE_IN_TEXT = re.compile(r"(?<![\d.,])\d{6}(?![\d.,])")
_LEAD_SUPERSCRIPT = re.compile(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}(?=\s)")


def _plain_mark(found: re.Match[str]) -> str:
    return found.group().translate(cells.SUPERSCRIPT_DIGITS)


_TRAILING_MARK = re.compile(r"^(?P<text>.*[^\s\-–—/])\s+(?P<mark>\d{1,2})$")


@dataclass
class _Heading:
    level: int
    text: str
    band: tuple[int | None, int | None] | None
    number: tuple[int, ...] = ()
    orphan: bool = False  # its parent heading was never seen: pages or lines may be missing
    narrows: bool = False  # a sub-heading giving its parent band the bound it lacked
    lettered: bool = False  # "F. Trajet de soins": a heading, though not a numbered one
    # A band line read as a group within the band line above it: that band
    inside: tuple[int | None, int | None] | None = None


_NO_COLUMNS = Columns({})
_CAPTION_LENGTH = 80  # longer lines are prose, not a table's caption


@dataclass
class _State:
    columns: Columns | None = None
    headings: list[_Heading] = field(default_factory=list)
    pending: list[Pending] = field(default_factory=list)
    footnotes: list[tuple[int, str, str]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    tables: int = 0
    numbered_headings: bool = False
    # The rows the last coded line gave (its general tariff first): a codeless line right
    # under it may add a key-letter term or a tariff under a condition (`MET GMD`).
    previous: list[Pending] = field(default_factory=list)
    caption: str = ""
    line_before: str = ""  # a short text line just read: a caption if a table line follows
    refused: list[str] = field(default_factory=list)  # tables refused whole, and why
    under: _Under | None = None  # what the headings give a row; None when they changed
    coded: bool = False  # a coded line was read since the last header or band line
    # A line naming every beneficiary under a band line: it ends the band at the next header
    everyone: tuple[RawCell, str] | None = None
    ended: tuple[int | None, int | None] | None = None  # a band a line naming none ended

    def band(self) -> tuple[int | None, int | None]:
        for heading in reversed(self.headings):
            if heading.band is not None:
                return heading.band
        return None, None

    def headings_say(self) -> _Under:
        """Worked out once per heading path, not for each of the thousands of rows under it."""
        if self.under is None:
            headings = self.headings
            self.under = _Under(
                " > ".join(heading.text for heading in headings),
                self.band(),
                any(vocabulary.GROUP_SESSION.search(fold(h.text)) for h in headings),
                next((h for h in headings if h.orphan), None),
                any(h.number or h.lettered for h in headings),
            )
        return self.under


@dataclass(frozen=True)
class _Under:
    section: str
    band: tuple[int | None, int | None]
    group_session: bool
    orphan: _Heading | None
    numbered: bool


def normalise(document: RawDocument, info: CircularInfo) -> Extraction:
    """Walk the rows in reading order, keeping the heading path and the current header."""
    state = _State(issues=list(document.issues))
    lines = document.rows
    skip_next = False
    above: RawRow | None = None
    for position, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        row = line.expanded()  # a workbook line's cells, made for this step only
        if (row.hidden or row.formulas or row.hidden_row) and cells.set_aside(
            row, state.columns is not None, state.issues
        ):
            continue
        filled = row.filled()
        if not filled:
            continue
        previous, state.previous = state.previous, []
        if len(filled) == 1 and not looks_like_code(filled[0][1].value):
            keyed = "key_letter" in (state.columns or _NO_COLUMNS).index
            if keyed and variants.key_line(state.issues, previous, filled[0][1], row.texts):
                state.previous = previous
                continue
            state.line_before = ""
            _text_row(state, position, filled[0][1])
            continue
        if (footnote := split_footnote(filled)) is not None:
            _text_row(state, position, footnote)
            continue
        fresh = state.line_before
        if state.line_before:  # the short line right above a header or a row names its table
            state.caption, state.line_before = state.line_before, ""
        if any(looks_like_code(cell.value) for _, cell in filled):
            # A coded line is a table row: neither a header nor a row of age groups.
            above = None
            state.coded = True
            if state.everyone is not None:
                _everyone_among_rows(state, *state.everyone)
            _table_row(state, position, row, info, previous)
            continue
        following = _row_at(lines, position + 1)
        if age_groups(row) and following is not None:
            after = _row_at(lines, position + 2)
            if detect_header(following, after, row) is not None:
                above = row  # age groups over the amount columns of the header below
                continue
        header = detect_header(row, following, above)
        above = None
        if header is not None:
            columns, skip_next = header
            _new_table(state, columns, fresh, row)
            state.columns = columns
            state.tables += 1
            if state.columns.several_dates:
                place = str(row.location).partition("#")[2]
                state.refused.append(
                    f"the table at {place} holds {state.columns.several_dates}: split it into"
                    " one table per date; nothing was read"
                )
            continue
        _table_row(state, position, row, info, previous)
    captions = {id(pending.row): pending.caption for pending in state.pending}
    rows_out = resolve_footnotes(
        state.pending, state.footnotes, state.issues, state.numbered_headings
    )
    conditions.by_heading(rows_out, [captions[id(row)] for row in rows_out])
    sections = len({row.section for row in rows_out})
    return Extraction(
        info,
        rows_out,
        state.issues,
        sections=sections,
        tables=state.tables,
        refused=tuple(state.refused),
    )


def _new_table(state: _State, columns: Columns, caption: str, row: RawRow) -> None:
    """A header of other columns after rows, under a caption naming no age ("Séances à
    domicile"): whether the band line above the first table rules over this one too, no text
    says. Its rows keep the band (a band line rules until another), and that is said. A header
    repeated at a page top, or one right under a band line, says nothing new."""
    previous, state.coded = (state.columns if state.coded else None), False
    if state.everyone is not None:  # the caption of this table: the band ends, silently
        state.everyone, state.under = None, None
        state.headings = [h for h in state.headings if h.level > 0]
    carried = next((h for h in state.headings if h.level == 0), None)
    if previous is None or carried is None or not caption or previous.index == columns.index:
        return
    state.issues.append(
        rules.AGE_BAND_CARRIED.issue(
            row.location,
            f"the table under '{caption}' has a header of its own: its rows keep the age band"
            f" {format_age_band(*state.band())} of '{carried.text}' above the table before it;"
            " check that the band rules over this table too",
            raw=(caption,),
        )
    )


def _everyone_among_rows(state: _State, cell: RawCell, text: str) -> None:
    """A line naming every beneficiary followed by rows, no header between: a sub-heading
    (the band ends) or a note (it does not)? The band ends, and that is said."""
    carried = next(h for h in state.headings if h.level == 0)
    state.everyone, state.under = None, None
    state.headings = [h for h in state.headings if h.level > 0]
    state.issues.append(
        rules.AGE_HEADING_UNREAD.issue(
            cell.location,
            f"the line '{text}' names every beneficiary among the rows of '{carried.text}':"
            " the rows under it carry no age band (the band ends here); check them",
            raw=(text,),
        )
    )


def _row_at(lines: tuple[RawRow | SheetRow, ...], position: int) -> RawRow | None:
    return lines[position].expanded() if position < len(lines) else None


def _text_row(state: _State, position: int, cell: RawCell) -> None:
    state.under = None
    text = clean_text(cell.text)
    heading = vocabulary.NUMBERED_HEADING.match(text)
    if heading:
        number = tuple(int(part) for part in heading.group("number").rstrip(".").split("."))
        level = len(number)
        while state.headings and state.headings[-1].level >= level:
            state.headings.pop()
        parent = state.headings[-1] if state.headings and state.headings[-1].number else None
        orphan = level > 1 and (parent is None or parent.number != number[:-1])
        if orphan:
            # Not our ancestors: keep no band or section from them.
            state.headings = [h for h in state.headings if not h.number]
        band = _band(state, cell, text)  # before the append: it may end a band line's reign
        state.headings.append(_Heading(level, text, band, number, orphan))
        state.numbered_headings = True
        state.caption = ""
        return
    if vocabulary.LETTERED_HEADING.match(text):
        # "F. Trajet de soins": a part of an annex, at the top level, its number unknown.
        state.headings = [h for h in state.headings if h.level == 0]
        band = _band(state, cell, text)
        state.headings.append(_Heading(1, text, band, lettered=True))
        state.caption = ""
        return
    # A raised mark before the text ("¹ Tarif conventionnel") is the mark an amount cell holds.
    footnote = vocabulary.FOOTNOTE_LINE.match(_LEAD_SUPERSCRIPT.sub(_plain_mark, text))
    # "18 ans et plus" opens like footnote 18 but is a band heading.
    if footnote and state.columns is not None and exact_age_band(text) is None:
        state.footnotes.append((position, footnote.group("mark"), footnote.group("text")))
        return
    if state.columns is not None and (codes := _CODE_IN_TEXT.findall(text)):
        # Nothing lost: a code in a line we could not read as a row is shown, not dropped.
        state.issues.append(
            rules.CODE_OUTSIDE_ROW.issue(
                cell.location,
                f"code {codes[0]} stands in a line that is not a table row; check the source",
                raw=(text,),
                code=codes[0],
            )
        )
    state.line_before = text if len(text) <= _CAPTION_LENGTH else ""
    found = age_band_at(text)
    if found is None:
        _unread_age(state, cell, text)
    else:
        # An unnumbered beneficiary-group line rules until the next one; a sub-heading with a
        # subject before its band ("Mondonderzoeken tot de 67ste verjaardag") narrows it.
        state.coded, state.everyone = False, None  # the tables below are this band's
        state.headings = [h for h in state.headings if not h.narrows]
        narrowed = narrow_band(state.band(), *found)
        if narrowed is not None:
            state.headings.append(_Heading(0, text, narrowed, narrows=True))
            return
        _replace_band(state, cell, text, *found)


Band = tuple[int | None, int | None]


def _replace_band(state: _State, cell: RawCell, text: str, band: Band, start: int) -> None:
    """A band line in the place of the one above. When that one was a group within a band
    above it ("Enfants de moins de 3 ans" below "Bénéficiaires de moins de 18 ans") and this
    one would narrow that band otherwise than it reads ("Enfants de 3 ans et plus": 3 to 17,
    or 3 and more?), no text says which: its rows carry the band as printed, and that is said."""
    replaced = next((h for h in state.headings if h.level == 0), None)
    outer = replaced.band if replaced is not None else None
    # The band the line above was a group within, or the one a line naming no band ended.
    before, state.ended = (replaced.inside if replaced is not None else state.ended), None
    if before is not None and start:
        nested = narrow_band(before, band, start)
        if nested is not None and nested != band:
            state.issues.append(
                rules.AGE_BAND_UNCLEAR.issue(
                    cell.location,
                    f"the band line '{text}' follows a group within the band"
                    f" {format_age_band(*before)} above it: whether it narrows that band"
                    f" too ({format_age_band(*nested)}) or stands beside it, no text says; its"
                    f" rows carry the band as printed, {format_age_band(*band)}; check them",
                    raw=(text,),
                )
            )
    inside = outer if start and outer is not None and _within(band, outer) else None
    state.headings = [h for h in state.headings if h.level > 0 and h.band is None]
    state.headings.insert(0, _Heading(0, text, band, inside=inside))


def _within(band: Band, outer: Band) -> bool:
    """A band narrower than another, inside it."""
    low, high = band[0] if band[0] is not None else -1, band[1] if band[1] is not None else 999
    outer_low = outer[0] if outer[0] is not None else -1
    outer_high = outer[1] if outer[1] is not None else 999
    return band != outer and outer_low <= low and high <= outer_high


def _band(state: _State, cell: RawCell, text: str) -> tuple[int | None, int | None] | None:
    """A numbered or lettered heading's band, if it names one we read."""
    band = parse_age_band(text)
    if band is None:
        _unread_age(state, cell, text)
    return band


def _unread_age(state: _State, cell: RawCell, text: str) -> None:
    """A heading or caption naming an age or a beneficiary group that no band pattern reads
    ("plus de 65 ans": 65 or 66?; "Bénéficiaires adultes": from 18?) gives its rows no band: the
    band an unnumbered line above it set ends there, and that is said, never guessed. A line
    naming every beneficiary ends it silently; one naming the beneficiaries in no narrower words
    only when a band was set. Longer lines are prose."""
    if len(text) > _CAPTION_LENGTH:
        return
    folded = fold(text)
    everyone = vocabulary.GROUP_OF_EVERYONE.search(folded) is not None
    unread = vocabulary.AGE_MENTION.search(folded) is not None or (
        not everyone and vocabulary.GROUP_BY_AGE.search(folded) is not None
    )
    named = (
        vocabulary.GROUP_OF_BENEFICIARIES.search(folded) is not None
        and not vocabulary.PREFERENTIAL_REGIME.search(folded)
        and not vocabulary.STANDARD_REGIME.search(folded)
    )
    if not (everyone or unread or named):
        return
    carried = next((h for h in state.headings if h.level == 0), None)
    if everyone and not unread:
        # Every beneficiary: the caption of the next table ends the band silently; a note
        # among a table's rows ("Le ticket modérateur est identique pour tous les
        # bénéficiaires.") does not; a line among them that is no sentence may be either.
        if carried is not None and not text.endswith("."):
            state.everyone = (cell, text)
        return
    if carried is not None and carried.band is not None and not everyone:
        state.ended = carried.inside or carried.band
    state.headings = [h for h in state.headings if h.level > 0]
    if not unread and carried is None:
        return
    kind = "an age" if vocabulary.AGE_MENTION.search(folded) else "a beneficiary group"
    left = state.band()  # a numbered heading's parents may still give one
    carry = (
        f"only the band {format_age_band(*left)} of the headings above"
        if left != (None, None)
        else "no age band"
    )
    ends = f" (the band of '{carried.text}' ends here)" if carried is not None else ""
    state.issues.append(
        rules.AGE_HEADING_UNREAD.issue(
            cell.location,
            f"the heading '{text}' names {kind} that is no band we read: the rows under it"
            f" carry {carry}{ends}; check them",
            raw=(text,),
        )
    )


def _table_row(
    state: _State, position: int, row: RawRow, info: CircularInfo, previous: list[Pending]
) -> None:
    raw = row.texts
    columns = state.columns
    if columns is None:
        if any(_holds_code(cell) for _, cell in row.filled()):
            state.issues.append(
                rules.HEADER_MISSING.issue(
                    row.location, "a row with a code but no table header above it", raw=raw
                )
            )
        return
    if columns.problem and any(_holds_code(cell) for _, cell in row.filled()):
        state.issues.append(
            rules.HEADER_UNCLEAR.issue(
                row.location,
                f"the table header above ({columns.location}) is unclear: {columns.problem}",
                raw=raw,
                code=next(cell.text for _, cell in row.filled() if _holds_code(cell)),
            )
        )
        return
    note_marks: list[str] = []
    unplaced = unplaced_values(row, columns, state.issues, note_marks)
    code_index = columns.index["code_amb"]
    code_cell = row.cells[code_index] if code_index < len(row.cells) else None
    if (
        code_cell is None
        or not code_cell.text
        or (previous and conditions.is_qualifier(code_cell.text))
    ):
        if previous:
            kept = variants.under_coded_line(
                state.issues, state.pending, position, row, columns, previous
            )
            if kept is not None:
                state.previous = kept
                return
        shifted = [cell for _, cell in row.filled() if looks_like_code(cell.value)]
        if shifted:
            state.issues.append(
                rules.ROW_SHIFTED.issue(
                    shifted[0].location,
                    "the code is not in the code column: the row is shifted and its amounts are"
                    " incomplete; nothing was filled in",
                    raw=raw,
                    code=shifted[0].text,
                )
            )
        elif any(_is_amount(cell) for _, cell in row.filled()):
            state.issues.append(rules.CODE_MISSING.issue(row.location, raw=raw))
        else:
            state.issues.append(rules.ROW_UNRECOGNISED.issue(row.location, raw=raw))
        return
    # Both codes in one column ("Code amb. / hosp."): the cell holds "726530 / 726541".
    pair = code_pair(code_cell.text) if columns.index.get("code_hos") == code_index else None
    try:
        code_amb = parse_code(pair[0] if pair else code_cell.value)
    except ValueParseError as error:
        state.issues.append(rules.CODE_FORMAT.issue(code_cell.location, str(error), raw=raw))
        return
    if code_amb is None:
        # "-" under AMB beside a hospital code: no key for the row, so flagged, not kept.
        message = f"no ambulatory code: {code_cell.text!r}; a row is keyed by its ambulatory code"
        state.issues.append(rules.CODE_FORMAT.issue(code_cell.location, message, raw=raw))
        return
    code_hos = None
    if "code_hos" in columns.index and columns.index["code_hos"] < len(row.cells):
        hos_cell = row.cells[columns.index["code_hos"]]
        try:
            code_hos = parse_code(pair[1] if pair else hos_cell.value)
        except ValueParseError as error:
            state.issues.append(
                rules.CODE_FORMAT.issue(hos_cell.location, str(error), raw=raw, code=code_amb)
            )
            return

    amount_marks: list[str] = []
    amounts = read_amounts(state.issues, row, columns.index, code_amb, amount_marks)
    if amounts is None or not complete(
        state.issues, amounts, columns.index, code_cell, raw, code_amb, unplaced=unplaced
    ):
        return
    try:
        key_letters = conditions.key_terms(row, columns.index)
    except conditions.KeyLetterError as error:
        state.issues.append(
            rules.KEY_LETTERS_UNREADABLE.issue(
                code_cell.location, str(error), raw=raw, code=code_amb
            )
        )
        return

    description_cell = (
        row.cells[columns.index["description"]]
        if "description" in columns.index and columns.index["description"] < len(row.cells)
        else RawCell(None, row.location)
    )
    description = clean_text(description_cell.text)
    mark, certain, unmarked = None, False, description
    if description_cell.marks:
        mark, certain = description_cell.marks[0], True
    elif glued := _TRAILING_MARK.match(description):
        mark, unmarked = glued.group("mark"), glued.group("text")
    under = state.headings_say()
    if (orphan := under.orphan) is not None:
        state.issues.append(
            rules.SECTION_INCOMPLETE.issue(
                code_cell.location,
                f"the heading '{orphan.text[:50]}' has no parent heading before it: a page or lines"
                " may be missing, so the beneficiary group is unknown",
                raw=raw,
                code=code_amb,
            )
        )
        return
    age_min, age_max = under.band
    if "age" in columns.index and (age := _age_cell(row, columns.index["age"])) is not None:
        band = exact_age_band(age.text)
        if band is None:
            state.issues.append(
                rules.AGE_UNREADABLE.issue(
                    age.location,
                    f"the age '{age.text}' is not an age band we can read (such as 'moins de 18"
                    " ans', '18 ans et plus', 'van 15 tot 18 jaar'): the line is left out",
                    raw=raw,
                    code=code_amb,
                )
            )
            return
        age_min, age_max = band  # the line's own band, within its table
    tariff = TariffRow(
        circular=info.circular,
        language=info.language,
        effective_from=info.effective_from,
        code_amb=code_amb,
        code_hos=code_hos,
        age_min=age_min,
        age_max=age_max,
        condition=None,
        key_letters=key_letters,
        description=description,
        footnotes="",
        section=under.section,
        source=code_cell.location,
        group_session=columns.group_session or under.group_session,
        raw=raw,
        **amounts,
    )
    # Only a line with an amount missing can hold a "-" or a "(*)" standing for one.
    on_purpose, references = stated(row, columns.index) if None in amounts.values() else (False, ())
    general = Pending(
        tariff,
        position,
        mark,
        certain,
        unmarked,
        tuple(dict.fromkeys((*columns.marks, *references, *amount_marks, *note_marks))),
        under.numbered,
        state.caption,
        on_purpose,
    )
    banded = variants.per_band(state.issues, row, general, columns) if columns.bands else None
    state.previous = [general] if banded is None else banded
    state.previous += variants.per_condition(state.issues, row, general, columns, code_cell)
    state.pending.extend(state.previous)


def _holds_code(cell: RawCell) -> bool:
    return looks_like_code(cell.value) or code_pair(cell.text) is not None


def _age_cell(row: RawRow, index: int) -> RawCell | None:
    """The line's cell in the age column, when it holds something."""
    return row.cells[index] if index < len(row.cells) and row.cells[index].text else None


def _is_amount(cell: RawCell) -> bool:
    try:
        return parse_amount(cell.value) is not None
    except ValueParseError:
        return False
