"""Write the corpus of malformed scenario files the fuzz tests run (tests/fuzz/corpus/).

One file per failure found by the hardening campaign (issue 24) and one per kind of bad
input for every reader. Each file's name says what it holds; ``expected.json`` says what
``validate`` must answer (3: an input error; 0: valid, maybe with a warning).
Rerun after changing this script: ``python scripts/make_malformed_corpus.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tests" / "fuzz" / "corpus"

HEAD = "name: t\nissues: [{id: x}]\n"
ONE = HEAD + "actors:\n  - {id: a, capability: 1, positions: {x: [10, 0.5]}}\n"
TWO = (
    HEAD + "actors:\n"
    "  - {id: a, capability: 1, positions: {x: [10, 0.5]}}\n"
    "  - {id: b, capability: 2, positions: {x: [90, 0.7]}}\n"
)
BOMB = "".join(
    f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
    for name, prev in zip("bcdefghij", "abcdefghi", strict=True)
)
ONE_JSON = json.dumps(
    {
        "name": "t",
        "issues": [{"id": "x"}],
        "actors": [{"id": "a", "capability": 1, "positions": {"x": [10, 0.5]}}],
    }
)
ENTITY_XML = (
    '<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY a "aaaa">]>\n'
    "<Scenario><name>&a;</name></Scenario>\n"
)
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + BOMB


def _json(doc: object) -> str:
    return json.dumps(doc)


def _ktab_csv(n_actors: str, n_dims: str, extra: str = "") -> str:
    return (
        f"T,desc,{n_actors},{n_dims},\n"
        "Actor,Description,Power,Pstn1,Sal1,\n"
        "A, a, 10, 20, 30,\nB, b, 20, 80, 40,\n" + extra
    )


def _ktab_xml(seed: str = "1", model: str = "Linear", adjust: str = "", extra: str = "") -> str:
    actor = (
        "<Actor><name>{n}</name><description>d</description><capability>{c}</capability>"
        "<Position><dCoord>{p}</dCoord></Position><Salience><dSal>50</dSal></Salience></Actor>"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Scenario>\n<name>T</name><desc>d</desc>'
        f"<prngSeed>{seed}</prngSeed>\n<ModelParameters><VictoryProbModel>{model}"
        "</VictoryProbModel></ModelParameters>\n<Dimensions><dName>D</dName></Dimensions>\n"
        "<Actors>"
        + actor.format(n="A", c=10, p=20)
        + actor.format(n="B", c=20, p=80)
        + "</Actors>\n"
        + adjust
        + extra
        + "</Scenario>\n"
    )


DECIDE = (
    "'#A'\t'a'\t'a'\t''\n'#A'\t'c'\t'c'\t''\n'#P'\t'p'\t'p'\t'p'\n'#M'\t'p'\t0\n'#M'\t'p'\t100\n"
    "'#D'\t'{actor}'\t'p'\t{pos}\t0.5\t1.0\n'#D'\t'c'\t'p'\t10\t0.5\t1.0\n"
)

ADJUST = (
    "<IdealAdjustment><iaPair><adjustingIdeal>A</adjustingIdeal>"
    "<referencePos>B</referencePos><adjust>{v}</adjust></iaPair></IdealAdjustment>\n"
)

CASES: dict[str, tuple[str | bytes, int]] = {
    # numbers
    "int-400-digits.yaml": (ONE.replace("capability: 1,", "capability: 1" + "0" * 400 + ","), 3),
    "int-400-digits.json": (
        '{"name": "t", "issues": [{"id": "x"}], "actors": [{"id": "a", "capability": 1'
        + "0" * 400
        + ', "positions": {"x": [10, 0.5]}}]}',
        3,
    ),
    "int-5000-digits.yaml": (ONE.replace("capability: 1,", "capability: 1" + "0" * 5000 + ","), 3),
    "int-5000-digits.json": (
        '{"name": "t", "issues": [{"id": "x"}], "actors": [{"id": "a", "capability": 1'
        + "0" * 5000
        + ', "positions": {"x": [10, 0.5]}}]}',
        3,
    ),
    "capability-1e400.yaml": (ONE.replace("capability: 1,", "capability: 1e400,"), 3),
    "capability-nan.yaml": (ONE.replace("capability: 1,", "capability: .nan,"), 3),
    "capability-inf.json": (
        ONE_JSON.replace('"capability": 1', '"capability": Infinity'),
        3,
    ),
    "salience-minus.yaml": (ONE.replace("0.5]", "-0.5]"), 3),
    "tolerance-nan.yaml": (TWO + "model_params:\n  exchange: {tolerance: .nan}\n", 3),
    "rounds-1e9.yaml": (TWO + "model_params:\n  eum: {rounds: 1e9}\n", 3),
    "unknown-eum-param.yaml": (TWO + "model_params:\n  eum: {bogus: 1}\n", 3),
    "unknown-model-params.yaml": (TWO + "model_params:\n  nosuchmodel: {rounds: 3}\n", 3),
    "event-round-1e12.yaml": (
        TWO + "events:\n  - {id: e, round: 1000000000000, changes: [{actor: a, issue: x, "
        "position: 20}]}\n",
        3,
    ),
    # structure
    "deep-list.yaml": ("name: t\ndescription: " + "[" * 50000 + "]" * 50000 + "\n", 3),
    "deep-map.yaml": ("name: t\ndescription: " + "{a: " * 20000 + "b" + "}" * 20000 + "\n", 3),
    "deep-array.json": ("[" * 100000 + "]" * 100000, 3),
    "alias-bomb-model-params.yaml": (
        TWO + "model_params:\n  eum:\n    " + BOMB.replace("\n", "\n    ").rstrip() + "\n",
        3,
    ),
    "alias-bomb-description.yaml": (
        BOMB + "name: t\ndescription: *j\nissues: [{id: x}]\nactors:\n"
        "  - {id: a, capability: 1, positions: {x: [10, 0.5]}}\n",
        3,
    ),
    "alias-bomb-drop-events.yaml": (
        BOMB
        + TWO.replace("name: t\n", "name: t\n")
        + "branches:\n  - {name: b, drop_events: *j}\n",
        3,
    ),
    "description-not-text.yaml": (ONE.replace("name: t\n", "name: t\ndescription: [1, 2]\n"), 3),
    "title-not-text.yaml": (ONE.replace("name: t\n", "name: t\ntitle: {a: 1}\n"), 3),
    "source-not-text.yaml": (ONE.replace("name: t\n", "name: t\nsource: [12]\n"), 3),
    "missing-issues.yaml": ("name: t\nactors: []\n", 3),
    "duplicate-key.yaml": (ONE.replace("name: t\n", "name: t\nname: u\n"), 3),
    "dangling-issue.yaml": (ONE.replace("{x: [10", "{y: [10"), 3),
    "truncated.yaml": (ONE[: len(ONE) // 2], 3),
    "empty.yaml": ("", 3),
    "binary.yaml": (bytes(range(256)) * 4, 3),
    "latin1.yaml": (ONE.replace("name: t", "name: caf\u00e9").encode("latin-1"), 3),
    "truncated.json": (_json({"name": "t", "issues": [{"id": "x"}]})[:-5], 3),
    "all-zero-weights.yaml": (TWO.replace("0.5]", "0]").replace("0.7]", "0]"), 0),
    # tables
    "field-128k.csv": (
        "actor,capability,issue,position,salience\n" + "a" * 200_000 + ",1,x,1,1\n",
        3,
    ),
    "nul-byte.csv": (
        "actor,capability,issue,position,salience\n" + "a" * 9000 + ",1,x,1,1\nb\x00c,1,x,2,1\n",
        3,
    ),
    "empty.csv": ("", 3),
    "header-only.csv": ("actor,capability,issue,position,salience\n", 3),
    "nan-position.csv": ("actor,capability,issue,position,salience\na,1,x,nan,1\n", 3),
    "ktab-unicode-digit.csv": (_ktab_csv("\u00b2", "1"), 3),
    "ktab-numdims-2e9.csv": ("T,desc,2,2000000000,\nActor,Description,Power\n", 3),
    "ktab-numactors-huge.csv": ("T,desc,999999999999,1,\nActor,Description,Power,Pstn1,Sal1\n", 3),
    "ktab-short-row.csv": (_ktab_csv("3", "1"), 3),
    "ktab-seed-5000-digits.xml": (_ktab_xml(seed="1" * 5000), 3),
    "ktab-seed-unicode-digit.xml": (_ktab_xml(seed="1\u00b2"), 3),
    "ktab-adjust-nan.xml": (_ktab_xml(adjust=ADJUST.format(v="nan")), 3),
    "ktab-unknown-element.xml": (_ktab_xml(extra="<Bogus>1</Bogus>\n"), 3),
    "ktab-victory-bogus.xml": (_ktab_xml(model="Bogus"), 3),
    "ktab-entity.xml": (
        ENTITY_XML,
        3,
    ),
    "ktab-truncated.xml": (_ktab_xml()[:300], 3),
    "deep.gmcr": ("[" * 100000 + "]" * 100000, 3),
    "int-5000-digits.gmcr": ('{"a": 1' + "0" * 5000 + "}", 3),
    "empty.gmcr": ("", 3),
    "decide-nan.txt": (DECIDE.format(actor="a", pos="nan"), 3),
    "decide-dangling.txt": (DECIDE.format(actor="b", pos="50"), 3),
}


def main() -> None:
    """Write every case and the expected answers."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    for name, (content, _code) in CASES.items():
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        (OUT / name).write_bytes(data)
    expected = {name: code for name, (_c, code) in sorted(CASES.items())}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
