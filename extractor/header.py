"""Table headers → columns: which grid column holds which canonical field, from the French and
Dutch vocabulary of one or two header rows, never from positions."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace

from extractor import vocabulary
from extractor.location import Location
from extractor.model import AMOUNT_COLUMNS, RawCell, RawRow
from extractor.values import clean_text, exact_age_band, find_dates, looks_like_code
from extractor.vocabulary import fold

_GROUPS = ("reimbursement", "copayment")
# A column headed with both codes ("Code amb. / hosp."): its cells hold "726530 / 726541".
BOTH_CODES = "code_amb/code_hos"
_CODE_PAIR = re.compile(r"^(?P<amb>[\d .-]*\d)\s*/\s*(?P<hos>[\d .-]*\d|-)$")


def code_pair(text: str) -> tuple[str, str] | None:
    """The ambulatory and hospital codes of a cell holding both ("726530 / 726541", "726552 /
    -"), or None when the cell is not such a pair."""
    match = _CODE_PAIR.match(text.strip())
    if match is None or not looks_like_code(match.group("amb")):
        return None
    hospital = match.group("hos")
    return (match.group("amb"), hospital) if hospital == "-" or looks_like_code(hospital) else None


_GLUED_MARK = re.compile(r"^(?P<label>.*?[^\d\s])\s?(?P<mark>\d)$")


@dataclass(frozen=True)
class Columns:
    """Which grid column holds which canonical field, for the table under one header."""

    index: dict[str, int]
    marks: tuple[str, ...] = ()
    group_session: bool = False
    location: Location | None = None
    problem: str = ""  # why the header cannot be trusted, if it cannot
    # A second group of amount columns under its own label ("Intervention (AR 26/11/06 - MB
    # 15/12/06)"): the words that set it apart → its amount columns. Each is a row of its own.
    conditions: tuple[tuple[str, dict[str, int]], ...] = ()
    # Age groups as column groups ("moins de 10 ans" over a reimbursement pair, one fee for
    # all): each band → its amount columns. A line gives one row per band.
    bands: tuple[tuple[tuple[int | None, int | None], dict[str, int]], ...] = ()
    # Grid columns whose header text names no field we know, with that text: a value under
    # one is reported (column-unplaced), never dropped.
    unplaced: tuple[tuple[int, str], ...] = ()
    # Grid columns headed as notes ("Nota", "Opmerking"), with that text: a footnote mark
    # there ("(1)") is the row's; any other value is reported like an unplaced one.
    notes: tuple[tuple[int, str], ...] = ()
    # What the header holds when amount columns carry two effective dates ("Honoraires au
    # 01/01/2025 | Honoraires au 01/03/2025"): the table is refused, saying so (`problem`).
    several_dates: str = ""


def _header_labels(row: RawRow) -> dict[int, str]:
    """Grid column → label, spreading a merged cell's text over every column it spans."""
    labels: dict[int, str] = {}
    for index, cell in enumerate(row.cells):
        if cell.text:
            for covered in range(index, index + max(cell.span, 1)):
                labels[covered] = cell.text
    return labels


def _top_role(label: str) -> str | None:
    roles = vocabulary.header_roles(label)
    return roles[0] if roles else None


_SUB_HEADER_WORDS = (
    vocabulary.AMBULATORY,
    vocabulary.HOSPITAL,
    vocabulary.STANDARD_REGIME,
    vocabulary.PREFERENTIAL_REGIME,
    vocabulary.REIMBURSEMENT_HEADER,
    vocabulary.COPAYMENT_HEADER,
)


def _is_date_statement(text: str) -> bool:
    """ "Bedragen van toepassing sinds 1 januari 2021" in a header row: metadata, not a label."""
    return bool(vocabulary.EFFECTIVE_DATE_STATEMENT.match(fold(text)))


def _is_sub_header(row: RawRow) -> bool:
    """Regime cells under a group ("met voorkeurregeling"), or role cells under a regime group
    ("Terug- betaling", "Remgeld" under "Je bent gewoon verzekerd"); a date statement may share
    the row."""
    filled = row.filled()
    if not filled or any(looks_like_code(cell.value) for _, cell in filled):
        return False
    texts = [fold(vocabulary.join_split_words(cell.text)) for _, cell in filled]
    labels = [text for text in texts if not vocabulary.EFFECTIVE_DATE_STATEMENT.match(text)]
    return bool(labels) and all(
        any(pattern.search(text) for pattern in _SUB_HEADER_WORDS) for text in labels
    )


def _strip_header_mark(cell: RawCell) -> tuple[str, tuple[str, ...]]:
    text = cell.text
    match = _GLUED_MARK.match(text)
    if match and not cell.marks:
        return match.group("label").strip(), (match.group("mark"),)
    return text, cell.marks


def age_groups(row: RawRow | None) -> dict[int, str]:
    """Grid column → age-group label, for a row of two or more age groups (else empty)."""
    if row is None:
        return {}
    filled = row.filled()
    if len(filled) < 2 or not all(
        re.search(r"\d", cell.text) and vocabulary.AGE_GROUP_WORD.search(fold(cell.text))
        for _, cell in filled
    ):
        return {}
    return _header_labels(row)


def detect_header(
    row: RawRow, next_row: RawRow | None, above: RawRow | None = None
) -> tuple[Columns, bool] | None:
    """A header row (and its sub-header) → Columns, or None if the row is not a header.

    Returns whether the next row was consumed as the sub-header. `above` is a row of age
    groups standing over the header's amount columns, if there is one.
    """
    filled = row.filled()
    if any(looks_like_code(cell.value) for _, cell in filled):
        return None
    stripped: dict[int, tuple[str, tuple[str, ...]]] = {
        index: _strip_header_mark(cell) for index, cell in filled
    }
    roles = {_top_role(text) for text, _ in stripped.values()} - {None}
    if len(roles) < 3 and not {"code", "fee"} <= roles:
        return None
    marks = tuple(sorted({m for _, cell_marks in stripped.values() for m in cell_marks}))
    top = _header_labels(
        RawRow(
            tuple(
                RawCell(stripped[i][0] if i in stripped else None, c.location, c.span)
                for i, c in enumerate(row.cells)
            ),
            row.location,
        )
    )
    consumed = next_row is not None and _is_sub_header(next_row)
    sub = _header_labels(next_row) if consumed and next_row is not None else {}
    sub = {column: text for column, text in sub.items() if not _is_date_statement(text)}
    index: dict[str, int] = {}
    labels: dict[str, str] = {}
    conditions: dict[str, dict[str, int]] = {}
    said: dict[str, str] = {}  # each condition as its first column's label says it
    groups = age_groups(above)
    by_group: dict[str, dict[str, int]] = {}
    twice: list[str] = []
    unplaced: list[tuple[int, str]] = []
    amount_labels: dict[str, list[str]] = {}  # every label read as each amount
    for column in sorted(set(top) | set(sub)):
        if column not in top and column - 1 in top and _top_role(top[column - 1]) in _GROUPS:
            # A group label written in its first cell only, not merged over its regimes.
            top[column] = top[column - 1]
        name = _column_name(top.get(column, ""), sub.get(column, ""))
        label = clean_text(f"{top.get(column, '')} {sub.get(column, '')}")
        condition = _distinguishing(labels[name], label) if name in index else ""
        if name in AMOUNT_COLUMNS:
            amount_labels.setdefault(name, []).append(label)
        if name in AMOUNT_COLUMNS and column in groups:
            if name in by_group.setdefault(groups[column], {}):
                twice.append(name)
            by_group[groups[column]][name] = column
        elif (
            name
            and condition
            and name in AMOUNT_COLUMNS
            and name not in conditions.get(condition, {})
        ):
            conditions.setdefault(condition, {})[name] = column
            said.setdefault(condition, _negated(condition, label))
        elif name == BOTH_CODES:
            # "Code amb. / hosp." over "726530 / 726541": both codes in one column.
            for code_name in ("code_amb", "code_hos"):
                if code_name in index:
                    twice.append(code_name)
                index[code_name], labels[code_name] = column, label
        elif name and name in index:
            twice.append(name)
        elif name:
            index[name] = column
            labels[name] = label
        else:
            unplaced.append(
                (column, " / ".join(t for t in (top.get(column), sub.get(column)) if t))
            )
    if "code_amb" not in index or "fee" not in index:
        return None
    # A column with no header text at all (a last amount column printed bare) is not ours
    # either: its values are reported like those under a header we do not know.
    unplaced += [(c, "") for c in range(len(row.cells)) if c not in top and c not in sub]
    unplaced.sort()
    notes = tuple(
        (c, text) for c, text in unplaced if vocabulary.NOTES_HEADER.match(fold(text).strip(" :."))
    )
    unplaced = [place for place in unplaced if place not in notes]
    group = any(vocabulary.GROUP_SESSION.search(fold(label)) for label in top.values())
    found = tuple((said[condition], group) for condition, group in conditions.items())
    problem = _header_problem(index, twice) or next(
        (
            f"the amounts under '{c}': {p}"
            for c, group in found
            if (p := _header_problem(group, []))
        ),
        "",
    )
    bands, band_problem = _bands(by_group)
    dated = _several_dates(amount_labels)
    if dated:
        problem = f"the table holds {dated}: split it into one table per date"
    problem = problem or band_problem
    columns = Columns(index, marks, group, row.location, problem, found, bands, tuple(unplaced))
    return replace(columns, several_dates=dated, notes=notes), consumed


def _several_dates(amount_labels: dict[str, list[str]]) -> str:
    """Two columns of one amount, one of them dated ("Honoraires au 01/03/2025"): the amounts
    of two effective dates side by side. One table is one version: the reader cannot pick one
    (a dated column is never a condition either), so it says to split the table."""
    for labels in amount_labels.values():
        dates = [find_dates(label) for label in labels]
        if len(labels) < 2 or not any(dates):
            continue
        shown = ", ".join(
            f"'{label}'" + (f" ({found[0][1].isoformat()})" if found else "")
            for label, found in zip(labels, dates, strict=True)
        )
        return f"the amounts of two effective dates side by side ({shown})"
    return ""


Band = tuple[int | None, int | None]


def _bands(
    by_group: dict[str, dict[str, int]],
) -> tuple[tuple[tuple[Band, dict[str, int]], ...], str]:
    """Age groups over amount columns → bands, when each is an exact band and none overlap."""
    bands: list[tuple[Band, dict[str, int]]] = []
    for label, group in by_group.items():
        band = exact_age_band(label)
        if band is None:
            return (), f"the age group '{label}' over the amount columns is not an exact age band"
        if problem := _header_problem(group, []):
            return (), f"under '{label}': {problem}"
        bands.append((band, group))
    spans = sorted((low or 0, 999 if high is None else high) for (low, high), _ in bands)
    if any(low <= high for (_, high), (low, _) in itertools.pairwise(spans)):
        return (), "the age groups over the amount columns overlap"
    return tuple(bands), ""


def _distinguishing(first: str, label: str) -> str:
    """The words of a second group's label that the first one lacks, as printed.

    "Intervention (AR 26/11/06 - MB 15/12/06) avec régime préférentiel" after "Intervention
    avec régime préférentiel" → "AR 26/11/06 - MB 15/12/06"; "" when nothing sets it apart, or
    when the label does not keep the first one's words around them ("Intervention personnelle"
    after "Remboursement" is another column, not the same amounts under a condition).
    """
    a, b = first.split(), label.split()
    start = 0
    while start < min(len(a), len(b)) and fold(a[start]) == fold(b[start]):
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and fold(a[-1 - end]) == fold(b[-1 - end]):
        end += 1
    if start + end < len(a):
        return ""
    words = b[start : len(b) - end]
    text = " ".join(words).strip(" -–:;,")
    while text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    return text if re.search(r"\w", text) else ""


def _negated(condition: str, label: str) -> str:
    """A condition that is a "not" alone says what of with the word after it in its label:
    "non conventionnés" ("Honoraires non conventionnés" after "Honoraires conventionnés"),
    never "non"; its columns stay one group whatever the agreement ("non conventionnée")."""
    if fold(condition) not in vocabulary.NEGATIONS:
        return condition
    words = label.split()
    at = next((i for i, word in enumerate(words) if word == condition), len(words))
    return " ".join(words[at : at + 2]) or condition


def _header_problem(index: dict[str, int], twice: list[str]) -> str:
    """A header we cannot trust makes every row under it a flagged row, not a guess."""
    if twice:
        return f"two columns read as {twice[0]}"
    for kind in ("reimbursement", "copayment"):
        regimes = [f"{kind}_preferential" in index, f"{kind}_standard" in index]
        if any(regimes) and not all(regimes):
            missing = "preferential" if not regimes[0] else "standard"
            return f"the {kind} column of the {missing} regime was not found"
    return ""


def _column_name(top: str, sub: str) -> str | None:
    # The group and its cell read together: "Je hebt verhoogde tegemoetkoming" over "Remgeld"
    # is a co-payment although the group alone names a reimbursement.
    role = _top_role(f"{top} {sub}") if top and sub and _top_role(sub) else _top_role(top)
    sub_folded = fold(sub)
    if role is None and sub:
        role = _top_role(sub) or (
            "code"
            if vocabulary.AMBULATORY.search(sub_folded) or vocabulary.HOSPITAL.search(sub_folded)
            else None
        )
    if role == "code":
        folded = fold(f"{top} {sub}")
        if not vocabulary.HOSPITAL.search(folded):
            return "code_amb"
        return BOTH_CODES if vocabulary.AMBULATORY.search(folded) else "code_hos"
    if role in ("reimbursement", "copayment"):
        regime_text = fold(f"{top} {sub}")
        if vocabulary.STANDARD_REGIME.search(regime_text):
            return f"{role}_standard"
        if vocabulary.PREFERENTIAL_REGIME.search(regime_text):
            return f"{role}_preferential"
        return None
    return role
