"""The registry of issue rules: every issue we raise names one, with its severity and meaning.

An `error` row is left out of the table; a `warning` row stays in. The README's rule table is
this registry (a test holds them equal), and pandera check names in schemas/ are these codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from extractor.location import Location
from extractor.model import Issue, Severity


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    meaning: str

    def issue(
        self,
        location: Location,
        message: str = "",
        *,
        raw: Iterable[str] = (),
        code: str = "",
    ) -> Issue:
        """An issue of this rule at a place; the message defaults to the rule's meaning."""
        return Issue(self.severity, self.code, message or self.meaning, location, tuple(raw), code)


CODE_FORMAT = Rule("code-format", "error", "a code is six digits")
CODE_CHECK_DIGIT = Rule(
    "code-check-digit", "error", "the last digit of a code is its first five digits mod 7"
)
AMOUNT_NEGATIVE = Rule("amount-negative", "error", "amounts are zero or more")
AMOUNT_PRECISION = Rule(
    "amount-precision",
    "error",
    "amounts have exactly two decimals; `89,595` is rejected, never rounded",
)
AMOUNT_UNPARSEABLE = Rule(
    "amount-unparseable", "error", "an amount cell holds something that is not an amount"
)
AMOUNT_MISSING = Rule(
    "amount-missing",
    "error",
    "some amounts of a row are missing; a fee-only row is fine only in a section where every"
    " row is fee-only",
)
ROW_SHIFTED = Rule(
    "row-shifted",
    "error",
    "the code stands in another column than the code column (a shifted row, seen in real"
    " circulars)",
)
CODE_MISSING = Rule("code-missing", "error", "amounts without a code")
HEADER_MISSING = Rule("header-missing", "error", "a coded row before any table header")
DUPLICATE_KEY = Rule("duplicate-key", "error", "two rows with the same key")
AGE_BAND_ORDER = Rule("age-band-order", "error", "age_min above age_max")
EFFECTIVE_DATE_FORMAT = Rule(
    "effective-date-format", "error", "effective_from is a real date, YYYY-MM-DD"
)
FEE_NOT_SUM = Rule(
    "fee-not-sum",
    "warning",
    "in individual-session sections, fee ≠ reimbursement + co-payment for a regime while the"
    " rest of its section keeps it (group sessions, whose reimbursement is per patient, are not"
    " checked)",
)
FOOTNOTE_UNDEFINED = Rule("footnote-undefined", "warning", "a footnote mark with no footnote text")
ROW_UNRECOGNISED = Rule(
    "row-unrecognised",
    "warning",
    "a line inside a table that is neither a tariff line nor a heading",
)
SECTION_MISSING = Rule(
    "section-missing",
    "error",
    "a row before any heading in a document whose tables sit under numbered headings: a page"
    " may be missing, the beneficiary group is unknown",
)
SECTION_INCOMPLETE = Rule(
    "section-incomplete",
    "error",
    "a heading whose parent heading never appeared (2.2.1 after 1.3): lines or pages may be"
    " missing",
)
HEADER_UNCLEAR = Rule(
    "header-unclear",
    "error",
    "the table header has two columns for one field, or one regime without the other: every"
    " row under it is flagged",
)
CODE_OUTSIDE_ROW = Rule(
    "code-outside-row",
    "warning",
    "a code in a line inside a table that was not read as a row: look at the source",
)
SOURCE_MISMATCH = Rule(
    "source-mismatch", "error", "the PDF and the XLSX annex of one circular disagree on a row"
)
CIRCULAR_NUMBER_MISSING = Rule(
    "circular-number-missing", "warning", "no circular number found; pass `--circular`"
)
LANGUAGE_MISMATCH = Rule(
    "language-mismatch",
    "warning",
    "the French and the Dutch version of one circular, given together, disagree on a row (an"
    " amount, or a tariff only one lists): each language's row stays, flagged; which is right"
    " is not known (`run` stores differing amounts only with `--authoritative fr` or `nl`)",
)
EFFECTIVE_DATE_CONFLICT = Rule(
    "effective-date-conflict",
    "warning",
    "document, file name or option disagree on the date, or the document states two",
)
KEY_LETTERS_UNREADABLE = Rule(
    "key-letters-unreadable",
    "error",
    "key letter, coefficient and key-letter value cells that do not pair up into terms",
)
KEY_LETTERS_SUM = Rule(
    "key-letters-sum",
    "warning",
    "the fee is not Σ coefficient × key-letter value rounded to the cent",
)

COLUMN_UNPLACED = Rule(
    "column-unplaced",
    "warning",
    "a value under a table column whose header names no field we know: reported with the"
    " header text and the value, never dropped; a row with only a fee placed then is not"
    " fee-only",
)

AMOUNT_BY_REFERENCE = Rule(
    "amount-by-reference",
    "warning",
    "an amount cell holds a footnote reference (`(*)`) instead of an amount: left empty, the"
    " footnote attached to the row",
)

FORMULA_NOT_COMPUTED = Rule(
    "formula-not-computed",
    "error",
    "a workbook cell holds a formula whose value was never computed (the file was written by a"
    " tool that does not calculate): the line is left out; recalculate it in Excel or"
    " LibreOffice and save",
)
HIDDEN_ROW = Rule(
    "hidden-row",
    "error",
    "a hidden workbook row inside a table holds values: hidden rows are not data, so the line is"
    " left out, shown with its values; unhide it if it belongs to the table",
)
HIDDEN_COLUMN = Rule(
    "hidden-column",
    "warning",
    "a hidden workbook column holds a value on a table line: hidden columns are not data, so the"
    " value is not in the table, shown here; unhide the column if it belongs to the table",
)
HIDDEN_SHEET = Rule(
    "hidden-sheet",
    "error",
    "a hidden or very hidden workbook sheet holds tariff lines (lines we would read or flag,"
    " as every line holding a code is): hidden sheets are not data, so each line is left out, shown with its"
    " values and the sheet's count of lines; unhide the sheet if it belongs to the circular. A"
    " hidden sheet without any (notes, lookups) is not reported",
)
DESCRIPTION_MISSING = Rule(
    "description-missing",
    "error",
    "a tariff line without a description (every row names its service)",
)
AGE_UNREADABLE = Rule(
    "age-unreadable",
    "error",
    "a cell of the table's age column that is not an age band we can read: the line is left out",
)
AGE_HEADING_UNREAD = Rule(
    "age-heading-unread",
    "warning",
    "a heading or a table's caption names an age or a beneficiary group that is no band we read"
    " (`Kinderen tot 18 jaar`, `plus de 65 ans`, `Bénéficiaires adultes`): the rows under it"
    " carry no age band (an age band set by an unnumbered line above ends there); check them",
)
AGE_BAND_CARRIED = Rule(
    "age-band-carried",
    "warning",
    "a table with a header of other columns follows the rows of another under a caption naming"
    " no age (`Séances à domicile`), both below one unnumbered age-band line (`Bénéficiaires de"
    " moins de 18 ans`): its rows keep that band, as a band line rules until another; check that"
    " it rules over this table too",
)
AGE_BAND_UNCLEAR = Rule(
    "age-band-unclear",
    "warning",
    "a band line after one read as a group within a band above both (`Enfants de 3 ans et plus`"
    " after `Enfants de moins de 3 ans`, below `Bénéficiaires de moins de 18 ans`): whether it"
    " narrows that band too (3 to 17) or stands beside it (3 and more), no text says; its rows"
    " carry the band as printed; check them",
)

REGISTRY: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        CODE_FORMAT,
        CODE_CHECK_DIGIT,
        AMOUNT_NEGATIVE,
        AMOUNT_PRECISION,
        AMOUNT_UNPARSEABLE,
        AMOUNT_MISSING,
        ROW_SHIFTED,
        CODE_MISSING,
        HEADER_MISSING,
        DUPLICATE_KEY,
        AGE_BAND_ORDER,
        EFFECTIVE_DATE_FORMAT,
        FEE_NOT_SUM,
        FOOTNOTE_UNDEFINED,
        ROW_UNRECOGNISED,
        SECTION_MISSING,
        SECTION_INCOMPLETE,
        HEADER_UNCLEAR,
        CODE_OUTSIDE_ROW,
        SOURCE_MISMATCH,
        LANGUAGE_MISMATCH,
        CIRCULAR_NUMBER_MISSING,
        EFFECTIVE_DATE_CONFLICT,
        KEY_LETTERS_UNREADABLE,
        KEY_LETTERS_SUM,
        COLUMN_UNPLACED,
        AMOUNT_BY_REFERENCE,
        FORMULA_NOT_COMPUTED,
        HIDDEN_ROW,
        HIDDEN_COLUMN,
        HIDDEN_SHEET,
        DESCRIPTION_MISSING,
        AGE_UNREADABLE,
        AGE_HEADING_UNREAD,
        AGE_BAND_CARRIED,
        AGE_BAND_UNCLEAR,
    )
}
