"""The conventions users bring from csvkit, sqlite-utils and git (issue 13, findings 1, 8, 10):
--version, -v anywhere, help on every option, --json, diff --exit-code, --out -, a header on
history, a read-only lookup that never writes into a file that is not a store, and a library
that speaks in its own terms."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from extractor import __version__, api
from extractor.cli import build_parser, main
from extractor.errors import ExtractorError, LookupFailedError
from tests.conftest import ROOT, SAMPLES

FR_2024 = SAMPLES / "V1 - Soins psychologiques - 01-01-2024-circ OA.xlsx"
FR_2025 = SAMPLES / "V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("conventions")
    api.run([FR_2024, FR_2025], out_dir=out)
    return out / "tariffs.sqlite"


def test_diff_of_a_file_with_itself_is_empty_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 1 (fixed before): the empty change table used to fail its own schema."""
    assert main(["diff", str(FR_2025), str(FR_2025), "--out", str(tmp_path), "--exit-code"]) == 0
    assert "fr: 0 added, 0 removed, 0 changed" in capsys.readouterr().out
    assert json.loads((tmp_path / "changes.json").read_text(encoding="utf-8"))["changes"] == []


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"inami-tariffs {__version__}"


def test_verbose_after_the_command_keeps_the_exit_code(tmp_path: Path) -> None:
    missing = str(tmp_path / "missing.xlsx")
    for args in (["-v", "extract", missing], ["extract", missing, "-v"]):
        result = subprocess.run(
            [sys.executable, "-m", "extractor", *args, "--out", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 2, args
        assert "Traceback" in result.stderr  # -v shows it ...
        assert result.stderr.strip().splitlines()[-1] == (
            "inami-tariffs: error: missing.xlsx: no such file"  # ... and still ends in one line
        )


def _actions(parser: argparse.ArgumentParser, path: str) -> list[tuple[str, argparse.Action]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += _actions(sub, f"{path} {name}")
        else:
            found.append((f"{path} {'/'.join(action.option_strings) or action.dest}", action))
    return found


def test_every_option_and_argument_has_a_help_text() -> None:
    actions = _actions(build_parser(), "inami-tariffs")
    assert len(actions) > 60
    missing = [name for name, action in actions if not action.help]
    assert missing == []


def test_history_has_a_header_and_json(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["history", "726-530", "--store", str(store)]) == 0
    header, *lines = capsys.readouterr().out.splitlines()
    assert "in force" in header and "circular" in header and len(lines) == 4
    assert main(["history", "726530", "--store", str(store), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert sorted({(r["effective_from"], r["fee"]) for r in records}) == [
        ("2024-01-01", "86.69"),
        ("2025-01-01", "89.59"),
    ]
    assert all(r["source"].startswith("V1 - Soins psychologiques") for r in records)


def test_history_of_an_unknown_code_says_so(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["history", "101010", "--store", str(store)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"inami-tariffs: error: code 101010 is not in the store {store}\n"


@pytest.mark.parametrize("content", [b"", b"code;fee\n726530;89,59\n"])
def test_lookup_on_a_file_that_is_not_a_store_leaves_it_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    path = tmp_path / "tariffs.sqlite"
    path.write_bytes(content)
    for command in (["lookup", "726530", "--date", "2025-03-01"], ["history", "726530"]):
        assert main([*command, "--store", str(path)]) == 2
        err = capsys.readouterr().err.splitlines()
        assert len(err) == 1 and "tariffs.sqlite: not a tariff store" in err[0]
        assert path.read_bytes() == content


def test_lookup_shows_its_source_and_answers_in_json(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["lookup", "726530", "--date", "01/03/2025", "--age", "30", "--store", str(store)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"^source: V1 - Soins psychologiques - 01-01-2025-circ OA\.xlsx#Feuil1!A\d+$", out, re.M
    )
    assert main([*args, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["fee"] == "89.59" and answer["copayment"] == "11.00"
    assert answer["on"] == "2025-03-01" and answer["circular"] == ""
    assert answer["source"].startswith("V1 - Soins psychologiques - 01-01-2025-circ OA.xlsx#")


def test_diff_json_and_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["diff", str(FR_2024), str(FR_2025), "--out", str(tmp_path)]
    assert main(args) == 0  # without --exit-code, a difference is not a failure
    capsys.readouterr()
    assert main([*args, "--exit-code", "--json"]) == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["differ"] is True
    assert summary["languages"] == [
        {
            "language": "fr",
            "added": 1,
            "removed": 1,
            "changed": 68,
            "beyond_indexation": 1,
            "indexation": "0.0334",
            "description_changed": 2,
            "unchanged": 6,
        }
    ]


def test_diff_of_a_csv_that_is_not_an_export_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "prices.csv"
    other.write_text("code,price\n726530,89.59\n", encoding="utf-8")
    assert main(["diff", str(other), str(FR_2025), "--out", str(tmp_path / "o")]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line == (
        "inami-tariffs: error: prices.csv: a CSV file, but not a tariffs.csv export"
        " (its first line is not our header)"
    )


def test_out_dash_is_stdout_for_extract_and_refused_elsewhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["extract", str(FR_2025), "--out", "-"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert len(rows) == 75 and rows[0]["code_amb"] == "726412"
    assert "75 rows" in captured.err  # the summary goes to stderr, out of the pipe
    assert main(["run", str(FR_2025), "--out", "-"]) == 2
    assert "--out - (stdout) is only for extract" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no folder named "-", no store


def test_library_takes_store_and_a_date_as_text(store: Path) -> None:
    tariff = api.lookup("726530", "2025-03-01", age=30, store=store)
    assert (tariff.on, str(tariff.fee)) == (date(2025, 3, 1), "89.59")
    assert api.lookup("726-530", "01/03/2025", age=30, store_path=store) == tariff
    assert len(api.history("726530", store=store)) == 4
    with pytest.raises(ExtractorError, match="not a date"):
        api.lookup("726530", "March 2025", store=store)


def test_library_errors_do_not_name_command_line_options(store: Path) -> None:
    with pytest.raises(LookupFailedError) as raised:
        api.lookup("726530", date(2025, 3, 1), store=store)
    assert "--" not in str(raised.value) and "patient's age" in str(raised.value)
    assert raised.value.option == "--age N"
    with pytest.raises(ExtractorError) as missing:
        api.lookup("726530", date(2025, 3, 1), store=store.parent / "none.sqlite")
    assert "--" not in str(missing.value)


def test_readme_names_the_api_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".metadata" not in readme and "`lookup(..., store=)`" in readme
    for name in re.findall(r"api\.(\w+)\(", readme):
        assert name in api.__all__, name
    assert set(api.__all__) <= set(dir(api))


def test_readme_synopsis_names_every_command_and_option() -> None:
    """The README's command-line block is where a newcomer looks first: every command of the
    parser has a line there and every option it takes is named (retract and the store options
    of run were missing)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    synopsis = readme.split("## Command line", 1)[1].split("```")[1]
    [commands] = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    missing = []
    for name, sub in commands.choices.items():
        if not re.search(rf"^inami-tariffs {name} ", synopsis, re.MULTILINE):
            missing.append(name)
        for action in sub._actions:
            missing += [
                f"{name} {option}"
                for option in action.option_strings
                if option.startswith("--")
                and option not in ("--help", "--verbose")
                and option not in synopsis
            ]
    assert missing == []


def test_readme_layout_names_every_module() -> None:
    """The next maintainer finds a module from README's layout section (issue 10): every module
    of the package is named there (ten were missing after the store and export work)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("\n## Layout\n", 1)[1]
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "extractor").rglob("*.py")
        if not path.name.startswith("__")
    )
    assert [module for module in modules if Path(module).name not in layout] == []


# --- -q anywhere, like -v; argument errors in one line ------------------------------------------


@pytest.mark.parametrize("where", ["before", "after", "none"])
def test_quiet_goes_anywhere_like_verbose(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    extract = ["extract", str(FR_2025), "--out", str(tmp_path / "x")]
    diff = ["diff", str(FR_2024), str(FR_2025), "--out", str(tmp_path / "d")]
    for command in (extract, diff):
        arguments = {"before": ["-q", *command], "after": [*command, "-q"], "none": command}
        capsys.readouterr()
        assert main(arguments[where]) == 0
        captured = capsys.readouterr()
        said = captured.out + captured.err
        assert (said == "") == (where != "none"), (command[0], said)


@pytest.mark.parametrize(
    ("arguments", "problem", "command"),
    [
        (["lookup", "726530"], "the following arguments are required: --date", "lookup"),
        (["diff", "old.csv"], "the following arguments are required: NEW", "diff"),
        (["run", "x.xlsx", "--scope", "half"], "argument --scope: invalid choice: 'half'", "run"),
        (["extract", "x.xlsx", "--formats", "csv,pdf"], "unknown export format pdf", "extract"),
        (
            ["lookup", "726530", "--date", "2025-03-01", "--bogus"],
            "unrecognized arguments: --bogus",
            "",
        ),
        (["frobnicate"], "invalid choice: 'frobnicate'", ""),
    ],
)
def test_an_argument_error_is_one_line_pointing_to_help(
    arguments: list[str], problem: str, command: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "extractor", *arguments], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("inami-tariffs: error: ") and problem in line
    prog = f"inami-tariffs {command}".strip()
    assert line.endswith(f" (see {prog} --help)")


# --- start-up: what the quick commands import ------------------------------------------------------


# The store path: what `lookup`, `history` and `--help` may import of the package. The vocabulary
# (forty patterns), the readers, normalising, validation and the exports are not on it.
STORE_PATH_MODULES = {
    "extractor", "extractor.arguments", "extractor.cli", "extractor.columns", "extractor.console",
    "extractor.errors", "extractor.folding", "extractor.inputs", "extractor.location",
    "extractor.lookup", "extractor.model", "extractor.settings", "extractor.store",
    "extractor.store_schema", "extractor.store_update", "extractor.store_versions",
    "extractor.stored", "extractor.storeverbs", "extractor.values", "extractor.versions",
}  # fmt: skip


def test_lookup_and_history_import_the_store_path_and_nothing_else(tmp_path: Path) -> None:
    """Issue 15: `--help`, `lookup` and `history` start under 0.3 s, and their start-up is their
    imports. Answering or refusing, they import the modules above; not pandas, pandera or
    jinja2 (validation, the report), OpenSSL's hashlib (storing) or traceback (-v)."""
    store = tmp_path / "tariffs.sqlite"
    assert (
        main(["run", str(FR_2025), "--out", str(tmp_path / "out"), "--store", str(store), "-q"])
        == 0
    )
    script = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from extractor.cli import main\n"
        "codes = [main(['lookup', '726530', '--date', '2025-03-01', '--age', '30', '--store', sys.argv[1]]),\n"
        "         main(['history', '726530', '--store', sys.argv[1]]),\n"
        "         main(['lookup', '101010', '--date', '2025-03-01', '--store', sys.argv[1]])]\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit as done:\n"
        "    codes.append(done.code)\n"
        "print(codes, file=sys.stderr)\n"
        "print(*sorted(set(sys.modules) - before), file=sys.stderr)\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script, str(store)], cwd=ROOT, capture_output=True, text=True
    )
    assert "726530" in found.stdout  # answered: the whole path ran
    refusal, codes, modules = found.stderr.splitlines()  # the store holds no 101010: exit 1
    assert "101010" in refusal and codes == "[0, 0, 1, 0]"
    imported = set(modules.split())
    assert sorted(name for name in imported if name.startswith("extractor")) == sorted(
        STORE_PATH_MODULES
    )
    assert sorted(imported & {"pandas", "pandera", "jinja2", "hashlib", "traceback"}) == []
