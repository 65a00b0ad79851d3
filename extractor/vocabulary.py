"""Every French and Dutch word the toolkit understands: headers, headings, dates, age bands.

Matching is done on `fold()`ed text (lower case, no accents, one space), so the lists
below hold folded forms; spelling variants seen in real circulars are listed as such.
"""

from __future__ import annotations

import functools
import re

from extractor.folding import Language as Language
from extractor.folding import fold as fold

_SPLIT_WORD = re.compile(r"(?P<head>\S*[^\W\d_])- (?P<tail>[a-zà-ÿ]\S*)")
_PUNCTUATION = "()[]:;,.*"


def join_split_words(text: str) -> str:
    """Header words broken over two lines, read back whole: "Hono- rarium" → "Honorarium".

    A hyphen glued to letters and followed by a space and a lower-case word is a break, unless
    the hyphenated word is one of ours ("Lettre- clé" → "Lettre-clé"); "AR 26/11/06 - MB" and
    "Gastro-enteroloog" are left as they are. A word a narrow column broke with no hyphen at
    all ("Honorariu" / "m", "voorkeurregelin" / "g") is read whole when, and only when, neither
    part is a header word and the two together are one.
    """
    return _joined(text) if " " in text else text


@functools.lru_cache(maxsize=8192)
def _joined(text: str) -> str:
    if "- " in text:
        text = _SPLIT_WORD.sub(_rejoined, text)
    words = text.split(" ")
    out = words[:1]
    for word in words[1:]:
        head, tail = fold(out[-1]).strip(_PUNCTUATION), fold(word).strip(_PUNCTUATION)
        if (
            head.isalpha()
            and word[:1].islower()
            and f"{head}{fold(word)}".rstrip(_PUNCTUATION) in _HEADER_TOKENS
            and head not in HEADER_TOKENS
            and tail not in HEADER_TOKENS
        ):
            out[-1] += word
        else:
            out.append(word)
    return " ".join(out)


def _rejoined(match: re.Match[str]) -> str:
    head, tail = match.group("head"), match.group("tail")
    if fold(f"{head}-{tail}").strip(_PUNCTUATION) in _HEADER_TOKENS:
        return f"{head}-{tail}"
    return f"{head}{tail}"


_HEADER_TOKENS: set[str] = set()


def _words(*phrases: str) -> re.Pattern[str]:
    """A pattern matching any phrase as whole words in folded text."""
    _HEADER_TOKENS.update(word for phrase in phrases for word in fold(phrase).split())
    alternatives = "|".join(re.escape(fold(p)) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


def _phrases(*phrases: str) -> re.Pattern[str]:
    """Like _words, for phrases that are not table header words."""
    alternatives = "|".join(re.escape(fold(p)) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


# --- Table header vocabulary ------------------------------------------------------------
CODE_HEADER = _words(
    "pseudocode", "pseudo-code", "code", "codes", "nomenclatuurcode", "nomenclatuurcodes",
    "nomenclatuurnummer", "codenummer", "n° code", "code nomenclature", "numero de code",
    "nomenclature", "n° nomenclature", "n° de nomenclature", "numero de nomenclature",
    "nomenclatuur", "nummer", "numero",
)  # fmt: skip
AMBULATORY = _words("amb", "ambulant", "ambulatoire", "ambulatoir")
HOSPITAL = _words("hos", "hosp", "hospitalise", "gehospitaliseerd", "hospitalisation")
DESCRIPTION_HEADER = _words(
    "description", "libelle", "intitule", "omschrijving", "prestatie", "verstrekking",
    "prestation", "omschrijving van de verstrekking", "aard prestatie", "aard verstrekking",
    "aard van de verstrekking", "nature de la prestation",
)  # fmt: skip
FEE_HEADER = _words(
    "honoraires", "honoraire", "honorarium", "honoraria", "tarief", "tarif", "conventietarief",
)  # fmt: skip
REIMBURSEMENT_HEADER = _words(
    "intervention ami", "intervention de l'assurance", "intervention", "remboursement",
    "tegemoetkoming", "tegemoetkoming ziv", "verzekeringstegemoetkoming", "terugbetaling",
    "ziv-tegemoetkoming", "riziv-tegemoetkoming",
)  # fmt: skip
# "Intervention personnelle" is what the patient pays (INAMI's own word), not a reimbursement:
# co-payment words are tested first.
COPAYMENT_HEADER = _words(
    "ticket moderateur", "quote-part personnelle", "quote-part", "remgeld", "persoonlijk aandeel",
    "intervention personnelle", "intervention du patient", "part personnelle", "part du patient",
    "quote-part du patient", "eigen bijdrage", "persoonlijke bijdrage", "eigen aandeel",
    "aandeel van de patient", "patientenaandeel",
)  # fmt: skip
# Standard-regime words are tested first: "sans regime preferentiel" contains the
# preferential phrase, "niet-voorkeurgerechtigden" contains "voorkeurgerechtigden".
STANDARD_REGIME = _words(
    "sans regime preferentiel", "sans regime preferenciel", "sans regime", "non bim",
    "zonder voorkeurregeling", "niet-voorkeurgerechtigden", "niet voorkeurgerechtigden",
    "gewoon verzekerd", "gewone verzekerden", "zonder verhoogde tegemoetkoming",
    "normale tegemoetkoming", "normale terugbetaling", "je bent gewoon verzekerd",
    "gewoon verzekerde", "non-bim", "sans bim", "intervention normale", "intervention ordinaire",
    "niet-vt", "niet vt", "zonder vt", "geen vt", "non vipo", "non-vipo", "niet-wigw", "niet wigw",
    "sans intervention majoree", "non preferentiel", "non-preferentiel", "ordinaire",
    "ordinaires", "gewone rechthebbenden", "gewone rechthebbende", "gewoon",
)  # fmt: skip
PREFERENTIAL_REGIME = _words(
    "avec regime preferentiel", "avec regime preferenciel", "regime preferentiel",
    "regime preferenciel", "bim", "intervention majoree", "met voorkeurregeling",
    "voorkeurregeling", "voorkeurgerechtigden", "verhoogde tegemoetkoming", "vt",
    "verhoogde terugbetaling", "verhoogde tegemoetk", "je hebt verhoogde tegemoetkoming",
    "je hebt verhoogde tegemoetk", "met verhoogde tegemoetkoming", "avec bim", "met vt",
    "vipo", "wigw", "preferentiel", "preferentiels", "beneficiaires preferentiels",
)  # fmt: skip

# How a fee is built (médecins' annexes): key letter, its coefficient, the key letter's value.
# "Valeur lettre-clé" names the value, not the letter: key_value is tested first.
KEY_VALUE_HEADER = _words(
    "valeur", "valeur lettre-cle", "valeur de la lettre-cle", "waarde", "waarde sleutelletter",
    "waarde van de sleutelletter", "sleutelwaarde",
)  # fmt: skip
KEY_LETTER_HEADER = _words("lettre-cle", "lettre cle", "lettres-cles", "sleutelletter", "letter")
COEFFICIENT_HEADER = _words("coefficient", "coeff.", "coeff", "coef.", "coef", "coefficienten")

# Labels for columns no header names, read from what they hold (a table that prints header
# text over its amounts only): words of the lists above, so the header finds them as usual.
CONTENT_LABELS = {
    "code": "Code",
    "key_letter": "Lettre-clé",
    "coefficient": "Coefficient",
    "key_value": "Valeur",
    "description": "Description",
}

# A column giving each line its beneficiary age band ("Âge" | "moins de 18 ans"): the whole
# label, so that no heading or label merely mentioning an age ("à partir de l'âge de 24 ans")
# reads as one.
AGE_HEADER = re.compile(
    r"^(?:age|ages|tranche d'age|tranches d'age|groupe d'age|categorie d'age|leeftijd"
    r"|leeftijden|leeftijdsgroep|leeftijdscategorie|leeftijdsklasse)"
    r"(?: (?:du|des) (?:beneficiaires?|patients?)| van de (?:rechthebbende|patient))?$"
)

# A column of footnote marks ("Nota" over "(1)"): the whole label, stripped of " :.".
NOTES_HEADER = re.compile(
    r"^(?:nota(?: bene)?|notes?|remarques?|renvois?|n\.? ?b|opmerking(?:en)?|voetno(?:ot|ten)"
    r"|noot|noten)$"
)

# Priority order: "Intervention AMI par patient" is a reimbursement, not a description.
HEADER_ROLES = {
    "copayment": COPAYMENT_HEADER,
    "reimbursement": REIMBURSEMENT_HEADER,
    "fee": FEE_HEADER,
    # After the amounts: "Valeur de l'intervention" is a reimbursement, not a key-letter value.
    "key_value": KEY_VALUE_HEADER,
    "key_letter": KEY_LETTER_HEADER,
    "coefficient": COEFFICIENT_HEADER,
    "description": DESCRIPTION_HEADER,
    "code": CODE_HEADER,
    "age": AGE_HEADER,
}


def header_roles(text: str) -> list[str]:
    """The header roles a label names, most specific first."""
    folded = fold(join_split_words(text))
    return [role for role, pattern in HEADER_ROLES.items() if pattern.search(folded)]


# Words a table header is made of: the vocabulary above plus the small words around it.
# A line mostly made of these is header text, not a wrapped description under it.
HEADER_TOKENS = frozenset(
    _HEADER_TOKENS
    | set(
        "par per session sessie seance zitting de du des la le l' groupe groep patient"
        " patienten avec sans met zonder beneficiaire beneficiaires rechthebbende"
        " rechthebbenden regime ami ziv riziv inami eur euro en et van het pour voor"
        " theorique theoretische moyenne gemiddelde".split()
    )
)

# The second halves of header words hyphenated over two lines ("rarium", "betaling", "geld"):
# a header line may hold only these under "Hono-", "Terug-", "Rem-".
HEADER_WORD_ENDS = frozenset(
    token[start:] for token in HEADER_TOKENS for start in range(1, len(token) - 3)
)
# Their first halves, when a narrow column broke them with no hyphen ("Honorariu" / "m").
HEADER_WORD_STARTS = frozenset(
    token[:end] for token in HEADER_TOKENS for end in range(4, len(token)) if token[:end].isalpha()
)

# --- Headings and row kinds -------------------------------------------------------------
# "1.", "1.2.", "1.2.1" and "1.2.1." are headings; a bare "1 " is a footnote line.
NUMBERED_HEADING = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})+\.?|\d{1,2}\.)\s+(?P<title>\S.*)$")
# "F. Trajet de soins - Médecins généralistes": a lettered part of an annex ("N. B." is not).
LETTERED_HEADING = re.compile(r"^[A-Z]\.\s+[A-ZÀ-Ý][^\s.]")
FOOTNOTE_LINE = re.compile(r"^\(?(?P<mark>\d{1,2}|\*{1,3})\)?\s+(?P<text>[^\d\s].*)$")
GROUP_SESSION = _words(
    "seance de groupe", "seances de groupe", "groupe", "groepssessie", "groepssessies",
    "groepszitting", "groep", "group",
)  # fmt: skip

# --- Conditions: what else a tariff depends on besides age and regime ------------------
# A codeless line right under a coded one, naming the condition of its amounts.
QUALIFIER_LINE = re.compile(
    r"^(?:met|zonder|avec|sans) (?:e-?)?(?:gmd|dmg|globaal medisch dossier"
    r"|dossier medical global)(?:-e)?$"
)
# A word that says "not" of the word after it: a second amount group set apart by it alone
# ("Honoraires non conventionnés" after "Honoraires conventionnés") has both as condition.
NEGATIONS = frozenset({"non", "niet", "geen", "pas", "not"})
# A heading that names the general tariff: its rows keep an empty condition.
GENERAL_TARIFF = _phrases(
    "algemeen tarief", "tarif general", "tarif normal", "normaal tarief", "gewoon tarief",
)  # fmt: skip

# A label over amount columns that names an age group ("- 10 jaar", "de 10 a 74 ans").
AGE_GROUP_WORD = _phrases("jaar", "ans", "an", "verjaardag", "anniversaire")

# --- Age bands (beneficiary groups) -----------------------------------------------------
# Each pattern yields (age_min, age_max) from its number groups; applied to folded text.
# Birthdays: "Tot 15de verjaardag" is up to 14, "Van 15de tot 18de verjaardag" 15..17, "Vanaf
# 18de verjaardag" 18 and more; French "avant le 10e anniversaire", "à partir du 18e anniversaire".
_NTH = r"(\d{1,3})(?:ste|de|e|eme|ieme|er)?"
AGE_BANDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"\bvan (?:de )?{_NTH} tot (?:de )?{_NTH} verjaardag\b"), "range_exclusive"),
    (
        re.compile(rf"\b(?:du|de) {_NTH} (?:anniversaire )?(?:au|jusqu'au) {_NTH} anniversaire\b"),
        "range_exclusive",
    ),
    (re.compile(rf"\b(?:tot|voor) (?:de |zijn |haar )?{_NTH} verjaardag\b"), "below"),
    (
        re.compile(rf"\b(?:avant|jusqu'au|jusqu'a) (?:le |son |sa |l')?{_NTH} anniversaire\b"),
        "below",
    ),
    (re.compile(rf"\b(?:vanaf|na) (?:de |zijn |haar )?{_NTH} verjaardag\b"), "min"),
    (re.compile(rf"\ba partir (?:du |de son |de l')?{_NTH} anniversaire\b"), "min"),
    (re.compile(r"\bde (\d{1,3}) (?:ans )?a (\d{1,3}) ans\b"), "range"),
    (re.compile(r"\bvan (\d{1,3}) (?:jaar )?tot en met (\d{1,3}) jaar\b"), "range"),
    (re.compile(r"\bvan (\d{1,3}) tot (\d{1,3}) jaar\b"), "range_exclusive"),
    (re.compile(r"\ba partir de (?:l'age de )?(\d{1,3}) ans\b"), "min"),
    (re.compile(r"\bages? d'au moins (\d{1,3}) ans\b"), "min"),
    (re.compile(r"\b(\d{1,3}) ans (?:et plus|ou plus)\b"), "min"),
    (re.compile(r"\bvanaf (?:de leeftijd van )?(\d{1,3}) jaar\b"), "min"),
    (re.compile(r"\b(\d{1,3}) jaar (?:en ouder|of ouder|en meer)\b"), "min"),
    (re.compile(r"\bmoins de (\d{1,3}) ans\b"), "below"),
    (re.compile(r"\bjonger dan (\d{1,3}) jaar\b"), "below"),
    (re.compile(r"\bjusqu'a (\d{1,3}) ans(?: inclus)?\b"), "max"),
    (re.compile(r"\btot en met (\d{1,3}) jaar\b"), "max"),
    (re.compile(r"\bmaximum (\d{1,3}) (?:ans|jaar)\b"), "max"),
)

# A number of years or a birthday: a heading naming an age, whether or not AGE_BANDS reads it.
AGE_MENTION = re.compile(rf"\b\d{{1,3}} ?(?:ans|jaar)\b|\b{_NTH} (?:verjaardag|anniversaire)\b")

# --- Beneficiary groups: whom a heading or a table's caption names -----------------------
# A line naming a group gives no band we read unless an AGE_BANDS pattern reads one; it still
# ends the band a line above it set ("Bénéficiaires adultes" after "moins de 18 ans"): "adults"
# is 18 or more in no text we read, so its rows carry no band, reported, never guessed.
GROUP_OF_EVERYONE = _phrases(
    "tous les beneficiaires", "tout beneficiaire", "tous beneficiaires", "chaque beneficiaire",
    "l'ensemble des beneficiaires", "tous les patients", "tous ages", "tout age",
    "quel que soit l'age", "quel que soit leur age", "sans limite d'age", "sans distinction d'age",
    "alle rechthebbenden", "elke rechthebbende", "iedere rechthebbende", "alle patienten",
    "alle verzekerden", "alle leeftijden", "ongeacht de leeftijd", "ongeacht hun leeftijd",
    "zonder leeftijdsgrens", "zonder leeftijdsbeperking",
)  # fmt: skip
# Narrower than everyone, by age, in words that set no band.
GROUP_BY_AGE = re.compile(
    _phrases(
        "adulte", "adultes", "enfant", "enfants", "jeunes", "mineur", "mineurs", "mineure",
        "mineures", "majeur", "majeurs", "adolescent", "adolescents", "adolescentes",
        "nourrisson", "nourrissons", "bebe", "bebes", "nouveau-ne", "nouveau-nes", "senior",
        "seniors", "personne agee", "personnes agees", "beneficiaires ages", "patients ages",
        "volwassen", "volwassene", "volwassenen", "kind", "kinderen", "jongere", "jongeren",
        "jeugd", "minderjarig", "minderjarige", "minderjarigen", "meerderjarig", "meerderjarige",
        "meerderjarigen", "adolescenten", "tiener", "tieners", "zuigeling", "zuigelingen", "baby",
        "baby's", "pasgeborene", "pasgeborenen", "oudere", "ouderen", "senioren", "bejaarde",
        "bejaarden",
    ).pattern
    + r"|\b\d{1,3} ?-?plussers?\b"
)  # fmt: skip
# The beneficiaries, with no word saying which: a group when a band was set above.
GROUP_OF_BENEFICIARIES = _phrases(
    "beneficiaire", "beneficiaires", "rechthebbende", "rechthebbenden", "assure", "assures",
    "verzekerde", "verzekerden",
)  # fmt: skip

# --- Dates and circular metadata ----------------------------------------------------------
MONTHS: dict[str, int] = {
    # French
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    # Dutch
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
# Matches folded text; "1er", "1ste", "1e" and the "<sup>er</sup>" markup are accepted.
DATE = re.compile(
    r"(?P<day>\d{1,2})(?:\s*(?:<sup>)?\s*(?:er|ere|ste|e|de)\s*(?:</sup>)?)?\s+"
    rf"(?P<month_name>{_MONTH_NAMES})\s+(?P<year>\d{{4}})"
    r"|(?P<nday>\d{1,2})\s*[/.-]\s*(?P<nmonth>\d{1,2})\s*[/.-]\s*(?P<nyear>\d{4})"
)
EFFECTIVE_DATE_LEAD = re.compile(
    r"(?:applicable a partir d[eu]|en vigueur a partir d[eu]|date d'application\s*:?"
    r"|entre en vigueur le|a partir d[eu]|a dater d[eu]"
    r"|van toepassing vanaf|datum van toepassing\s*:?|in werking vanaf|met ingang van|vanaf)"
    r"\s+(?:le\s+)?$"
)
# A cover-letter line that states the date ("Applicable à partir de 1/01/2025"): trusted
# before any date in prose, where "entrée en vigueur à partir du 1er janvier 2019" may stand.
# Also the lines mutuality and annex tables print in a header row or just above it: "Bedragen van
# toepassing sinds 1 januari 2021", "De tarieven hieronder vermeld gelden vanaf 1/01/2024".
EFFECTIVE_DATE_STATEMENT = re.compile(
    r"^(?:applicable a partir d[eu]|en vigueur a partir d[eu]|date d'application"
    r"|date d'entree en vigueur|van toepassing vanaf|datum van toepassing"
    r"|datum van inwerkingtreding|in werking vanaf|met ingang van"
    r"|(?:bedragen|tarieven|montants|tarifs) (?:van toepassing|applicables?|d'application"
    r"|en vigueur|geldig) (?:vanaf|sinds|met ingang van|a partir d[eu]|depuis)"
    r"|(?:de )?(?:tarieven|bedragen)\b[^.]{0,60}\b(?:gelden|zijn van toepassing) (?:vanaf|sinds)"
    r"|(?:les )?(?:tarifs|montants)\b[^.]{0,60}\b(?:sont )?(?:applicables|d'application"
    r"|en vigueur) (?:a partir d[eu]|depuis))\b"
)
CIRCULAR_NUMBER = re.compile(
    r"(?:circulaire\s+(?:aux\s+)?(?:oa|organismes assureurs)|omzendbrief\s+(?:vi|aan de"
    r" verzekeringsinstellingen))\s*(?:n[o°º]?\.?|nr\.?|n°)?\s*(?P<year>\d{4})\s*/\s*(?P<serial>\d{1,4})"
    r"(?:\s+(?:du|van)\s+(?P<issued>\d{1,2}[-/.]\d{1,2}[-/.]\d{4}))?"
)
CIRCULAR_NUMBER_IN_FILENAME = re.compile(
    r"(?:circ(?:ulaire)?\s*oa|omzendbrief\s*vi|\boa|\bvi)\s*(?P<year>\d{4})\s*[-_/]\s*(?P<serial>\d{1,4})\b"
)
SUBJECT_LEAD = re.compile(r"^(?:tarifs|tarieven|honoraires|honoraria)\s*;")
# A circular that corrects another (same effective date), in its title, subject or file name.
CORRIGENDUM = re.compile(r"\b(?:corrigendum|corrigenda|rectificatif|erratum|errata|verbetering)\b")
# Where a title stops naming its domain and starts giving its date (folded text).
DOMAIN_END = re.compile(
    r"\s+(?:applicable |en vigueur )?(?:a partir d[eu]|a dater d[eu]|vanaf|met ingang van"
    r"|van toepassing vanaf|in werking vanaf)\b.*$"
)

# --- Language detection -------------------------------------------------------------------
LANGUAGE_WORDS: dict[Language, frozenset[str]] = {
    "fr": frozenset(
        "le la les des du et pour par avec sans beneficiaire beneficiaires seance honoraires"
        " intervention ticket moderateur soins ans partir fonction prestation regime"
        " circulaire therapie groupe premiere ligne a".split()
    ),
    "nl": frozenset(
        "het een van en voor met zonder rechthebbende rechthebbenden sessie honorarium"
        " tegemoetkoming remgeld zorg jaar vanaf functie verstrekking voorkeurregeling"
        " omzendbrief groepssessie eerste lijn op".split()
    ),
}

# --- Words we write: the exports' French and Dutch ----------------------------------------
# The tariff table's column titles are the column specification's (extractor/columns.py).
WORKBOOK_SHEETS: dict[str, str] = {
    "tariffs": "Tarifs - Tarieven",
    "changes": "Changements - Wijzigingen",
    "summary": "Résumé - Overzicht",
    "flagged": "Signalés - Gemeld",
    "sources": "Sources - Bronnen",
}
CHANGE_KINDS: dict[str, str] = {
    "added": "ajouté / toegevoegd",
    "removed": "supprimé / verwijderd",
    "changed": "modifié / gewijzigd",
    "description": "libellé modifié / omschrijving gewijzigd",
    "unreadable": "illisible (ligne signalée) / onleesbaar (gemelde regel)",
}
YES, NO = "oui / ja", "non / nee"
# Per sheet of the workbook, in column order: each column's French and Dutch heading. The
# changes sheet has the key columns (their titles from columns.py) after `kind`.
WORKBOOK_HEADINGS: dict[str, dict[str, tuple[str, str]]] = {
    "changes": {
        "language": ("Langue", "Taal"), "kind": ("Changement", "Wijziging"),
        "column": ("Colonne", "Kolom"), "old": ("Ancienne valeur", "Oude waarde"),
        "new": ("Nouvelle valeur", "Nieuwe waarde"),
        "follows_indexation": ("Suit l'indexation", "Volgt de indexering"),
        "section": ("Section", "Afdeling"),
    },
    "summary": {
        "language": ("Langue", "Taal"), "circular": ("Circulaire", "Omzendbrief"),
        "effective_from": ("Date d'application", "Datum van toepassing"),
        "previous": ("Version précédente", "Vorige versie"), "rows": ("Lignes", "Lijnen"),
        "flagged": ("Lignes signalées", "Gemelde lijnen"), "added": ("Ajoutées", "Toegevoegd"),
        "removed": ("Supprimées", "Verwijderd"), "changed": ("Modifiées", "Gewijzigd"),
        "beyond": ("Hors indexation", "Buiten indexering"),
        "description": ("Libellé seul modifié", "Enkel omschrijving gewijzigd"),
        "unchanged": ("Inchangées", "Ongewijzigd"), "indexation": ("Indexation", "Indexering"),
    },
    "flagged": {
        "severity": ("Gravité", "Ernst"), "rule": ("Règle", "Regel"),
        "message": ("Message", "Bericht"), "file": ("Fichier", "Bestand"),
        "place": ("Emplacement", "Plaats"), "code": ("Code", "Code"),
        "raw": ("Cellules lues", "Gelezen cellen"),
    },
    "sources": {
        "circular": ("Circulaire", "Omzendbrief"), "language": ("Langue", "Taal"),
        "effective_from": ("Date d'application", "Datum van toepassing"),
        "issued_on": ("Date de la circulaire", "Datum van de omzendbrief"),
        "subject": ("Objet", "Onderwerp"), "file": ("Fichier", "Bestand"),
        "sha256": ("Empreinte SHA-256", "SHA-256-vingerafdruk"), "reader": ("Lecteur", "Lezer"),
        "rows": ("Lignes", "Lijnen"),
    },
}  # fmt: skip
# The French and Dutch titles of valorisations.csv's own columns (the others are columns.py's);
# `{language}` stands for fr or nl.
VALORISATION_TITLES: dict[str, tuple[str, str]] = {
    "valid_from": ("Valable à partir du", "Geldig vanaf"),
    "valid_to": ("Valable jusqu'au", "Geldig tot en met"),
    "preferential": ("Régime préférentiel", "Voorkeurregeling"),
    "reimbursement": ("Intervention AMI", "Tegemoetkoming ZIV"),
    "patient_share": ("Ticket modérateur", "Remgeld"),
    "label": ("Libellé ({language})", "Omschrijving ({language})"),
    "source": ("Source ({language})", "Bron ({language})"),
}
# What a FHIR propertyGroup's applicability.description says (extractor/exports/fhir.py).
APPLICABILITY_PHRASES: dict[str, dict[str, str]] = {
    "fr": {
        "between": "de {low} à {high} ans", "from": "à partir de {low} ans",
        "until": "jusqu'à {high} ans", "all": "tous âges",
        "preferential": "avec régime préférentiel", "standard": "sans régime préférentiel",
        "condition": "condition : {condition}", "general": "tarif général",
    },
    "nl": {
        "between": "van {low} tot en met {high} jaar", "from": "vanaf {low} jaar",
        "until": "tot en met {high} jaar", "all": "alle leeftijden",
        "preferential": "met voorkeurregeling", "standard": "zonder voorkeurregeling",
        "condition": "voorwaarde: {condition}", "general": "algemeen tarief",
    },
}  # fmt: skip
