"""Malformed and hostile inputs: every reader answers with a located input error, never a
traceback, a hang or unbounded memory (issue 24).

The shipped corpus (``tests/fuzz/corpus``, written by ``scripts/make_malformed_corpus.py``)
holds one file per failure the hardening campaign found and one per kind of bad input for
every reader; each runs through ``stratagem validate`` and ``stratagem run`` in a
subprocess under a memory limit (``RLIMIT_AS``) and a time limit. Hypothesis then feeds
random and mutated text to every reader in-process.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stratagem import io
from stratagem.errors import InvalidInputError, Problem

CORPUS = Path(__file__).parent / "corpus"
EXPECTED: dict[str, int] = json.loads((CORPUS / "expected.json").read_text())
MEMORY_LIMIT = 1536 * 1024 * 1024
TIME_LIMIT_S = 60
# `make fuzz` raises these for a longer hunt (STRATAGEM_FUZZ_EXAMPLES=20000)
EXAMPLES = int(os.environ.get("STRATAGEM_FUZZ_EXAMPLES", "60"))
LOCATED = re.compile(r"^(?P<file>[^\n]+?)(:(?P<line>\d+))?: (?P<field>[^:\n]+): .+", re.M)


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _read_or_locate(text: str, source: str, reader: str | None) -> None:
    """Read; an input error must name ``source`` in every problem."""
    problems: tuple[Problem, ...] = ()
    try:
        io.read_text(text, source, reader)
    except InvalidInputError as err:
        problems = err.problems
    assert all(p.source == source for p in problems), problems


def _stratagem(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "STRATAGEM_STORE": "sqlite:///:memory:", "NO_COLOR": "1", **variables}
    return subprocess.run(
        [sys.executable, "-m", "stratagem", *args],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT_S,
        preexec_fn=_limited,
        env=env,
        check=False,
    )


def test_the_corpus_is_what_the_script_writes() -> None:
    """Every corpus file has an expectation, and every expectation a file."""
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 45


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_corpus_file_is_refused_with_its_place_or_accepted(name: str, command: str) -> None:
    """Exit 3 with ``FILE[:LINE]: field: reason`` for bad input, 0 for valid; no traceback."""
    path = CORPUS / name
    args = [command, str(path)] + (["-m", "compromise"] if command == "run" else [])
    done = _stratagem(*args)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == EXPECTED[name], done.stderr + done.stdout
    if EXPECTED[name] == 3:
        located = [m for m in LOCATED.finditer(done.stderr) if m["file"] == str(path)]
        assert located, done.stderr
    else:
        assert "warning" in done.stderr or "note" in done.stderr or not done.stderr


def test_limits_name_themselves_and_how_to_raise_them() -> None:
    done = _stratagem("validate", str(CORPUS / "alias-bomb-model-params.yaml"))
    assert "alias_nodes" in done.stderr
    assert "STRATAGEM_MAX_ALIAS_NODES" in done.stderr


def test_a_raised_limit_lets_the_input_through() -> None:
    """The number-length limit raised, a 400-digit capability is then refused as too large."""
    done = _stratagem(
        "validate", str(CORPUS / "int-400-digits.yaml"), STRATAGEM_MAX_NUMBER_LENGTH="1000"
    )
    assert done.returncode == 3
    assert "actors[a].capability: is too large" in done.stderr


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("name: t\n" + "# padding\n" * 2000)
    done = _stratagem("validate", str(big), STRATAGEM_MAX_FILE_BYTES="1000")
    assert done.returncode == 3
    assert "file_bytes" in done.stderr
    assert str(big) in done.stderr


# ------------------------------------------------------------------ in-process fuzzing

READERS = ["yaml", "json", "csv", "ktab-csv", "ktab-xml", "decide"]
SEEDS = {
    "yaml": (CORPUS / "all-zero-weights.yaml").read_text(),
    "json": '{"name": "t", "issues": [{"id": "x"}], "actors": [{"id": "a", "capability": 1, '
    '"positions": {"x": [10, 0.5]}}]}',
    "csv": "actor,capability,issue,position,salience\na,1,x,10,0.5\nb,2,x,90,0.7\n",
    "ktab-csv": (
        "T,desc,2,1,\nActor,Description,Power,Pstn1,Sal1,\nA, a, 10, 20, 30,\nB, b, 20, 80, 40,\n"
    ),
    "ktab-xml": (CORPUS / "ktab-victory-bogus.xml").read_text().replace("Bogus", "Linear"),
    "decide": (CORPUS / "decide-nan.txt").read_text().replace("nan", "50"),
}
SPICE = st.sampled_from(
    [
        "\x00",
        "nan",
        "-inf",
        "1e400",
        "9" * 200,
        "[" * 100,
        "{" * 100,
        "&a [1] *a *a",
        "\u00b2",
        "\ufeff",
        '"',
        "'",
        "\n",
        ",,,,",
        "\t",
        "<x>",
        "</Actors>",
        "-1",
        "",
    ]
)


@st.composite
def mutated(draw: st.DrawFn, reader: str) -> str:
    """A valid file of the reader's format with a few slices replaced by hostile text."""
    text = SEEDS[reader]
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(text)))
        stop = draw(st.integers(start, min(len(text), start + 12)))
        text = text[:start] + draw(SPICE) + text[stop:]
    return text


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_files_give_a_scenario_or_located_problems(
    reader: str, data: st.DataObject
) -> None:
    """A reader returns a scenario or raises InvalidInputError naming the source; nothing else."""
    _read_or_locate(data.draw(mutated(reader)), f"fuzz.{reader}", reader)


@pytest.mark.parametrize("reader", READERS)
@settings(max_examples=EXAMPLES, deadline=None)
@given(text=st.text(max_size=300))
def test_random_text_gives_a_scenario_or_located_problems(reader: str, text: str) -> None:
    _read_or_locate(text, f"fuzz.{reader}", reader)


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes_give_a_scenario_or_located_problems(data: bytes) -> None:
    problems: tuple[Problem, ...] = ()
    try:
        io.read_bytes(data, "fuzz.yaml")
    except InvalidInputError as err:
        problems = err.problems
    assert all(p.source == "fuzz.yaml" for p in problems), problems
