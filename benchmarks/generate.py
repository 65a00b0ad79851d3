"""Large realistic circulars for the benchmarks, from a fixed seed.

A French PDF of about 3,000 rows over 100+ pages in the corpus layout (ruled tables, two-level
header repeated on each page, wrapped descriptions, footnoted group rows, age-band sections,
page numbers), and an XLSX annex of 20,000 rows. Codes obey the check digit.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pdf_builder import Footnote, Header, Layout, Row, Text, cover, write_pdf  # noqa: E402

WORDS = ("Soutien Traitement Consultation séance individuelle groupe cabinet lieu d'accroche "
         "bénéficiaire entourage distance première ligne psychologue orthopédagogue médecin "
         "prestataire Soins-Aide convention multidisciplinaire trajet renvoi").split()  # fmt: skip


def codes(count: int, rng: random.Random) -> list[str]:
    """Distinct valid codes (check digit = first five digits mod 7), sorted like a nomenclature."""
    firsts = sorted(rng.sample(range(10000, 100000), count))
    return [f"{first}{first % 7}" for first in firsts]


def description(rng: random.Random) -> str:
    return " – ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5)))
        for _ in range(rng.randint(1, 4))
    )


def amounts(rng: random.Random, fee_only: bool = False) -> tuple[str, ...]:
    fee = rng.randint(2000, 40000)
    if fee_only:
        return (_euros(fee), "", "", "", "")
    copay_pref, copay_std = rng.choice([(0, 0), (400, 1100), (250, 250)])
    return (
        _euros(fee),
        _euros(fee - copay_pref),
        _euros(fee - copay_std),
        _euros(copay_pref),
        _euros(copay_std),
    )


def _euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d}"


def pdf(path: Path, rows: int = 3000, seed: int = 3000) -> Path:
    rng = random.Random(seed)
    items: list[object] = [*cover(), Text("Honoraires à partir du 1er janvier 2025", 11, bold=True)]
    all_codes = codes(rows // 2, rng)
    for band, title in (
        (1, "Bénéficiaires à partir de l'âge de 24 ans"),
        (2, "Bénéficiaires âgés de moins de 24 ans"),
    ):
        items += [Text(f"{band}. {title}", 10, bold=True), Header()]
        per_section = 60
        for section, start in enumerate(range(0, len(all_codes), per_section), 1):
            group = section % 4 == 0
            items.append(
                Text(
                    f"{band}.{section}. {'Séance de groupe' if group else 'Séance individuelle'}",
                    7.5,
                    bold=True,
                )
            )
            for index, code in enumerate(all_codes[start : start + per_section]):
                marked = group and index == 0
                items.append(Row(code, description(rng), amounts(rng), mark="1" if marked else ""))
            if group:
                items.append(Footnote("1", "Intervention AMI théorique par patient"))
    return write_pdf(path, items, Layout(page_lines=["01-01-2025", "page {page}/{pages}"]))


def xlsx(path: Path, rows: int = 20000, seed: int = 20000) -> Path:
    import openpyxl

    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Feuil1")
    sheet.append(["Honoraires à partir du 1er janvier 2025"])
    header = (["Pseudocode", None, "Description", "Honoraires", "Intervention AMI", None, "Ticket modérateur", None],
              ["AMB", "HOS", None, None, "bénéficiaire avec régime préférentiel", "bénéficiaire sans régime préférentiel",
               "bénéficiaire avec régime préférentiel", "bénéficiaire sans régime préférentiel"])  # fmt: skip
    all_codes = codes(rows // 2, rng)
    for band, title in (
        (1, "Bénéficiaires à partir de l'âge de 24 ans"),
        (2, "Bénéficiaires âgés de moins de 24 ans"),
    ):
        sheet.append([f"{band}. {title}"])
        sheet.append(header[0])
        sheet.append(header[1])
        for section, start in enumerate(range(0, len(all_codes), 100), 1):
            sheet.append([f"{band}.{section}. Séance individuelle"])
            for code in all_codes[start : start + 100]:
                fee, reimb_pref, reimb_std, copay_pref, copay_std = amounts(rng)
                sheet.append(
                    [
                        int(code),
                        "-",
                        description(rng),
                        *(
                            float(a.replace(",", "."))
                            for a in (fee, reimb_pref, reimb_std, copay_pref, copay_std)
                        ),
                    ]
                )
    workbook.save(path)
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/data")
    out.mkdir(parents=True, exist_ok=True)
    print(pdf(out / "Circulaire OA 2025-999.pdf"))
    print(xlsx(out / "annexe 01-01-2025.xlsx"))
