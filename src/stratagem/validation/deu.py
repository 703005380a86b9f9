"""The DEU III dataset layout: EU legislative decisions with known outcomes.

Decision-making in the European Union III (Thomson et al.; the whole dataset is Arregui &
Perarnaud 2021, doi:10.34810/data53, CC BY 4.0 — bring your own copy). Tab-separated; one
row per controversial issue, after a header row and a second row that gives a capability
proxy per actor under its position column. Per actor ``p<actor>`` (position) and
``s<actor>`` (salience), all on 0–100, for the Commission (``com``), the Parliament
(``ep``) and the member states; ``rp`` is the reference point (status quo) and ``out``
the outcome. A blank cell means the actor took no position.

The procedure (``proc``: ``COD`` co-decision, ``CNS`` consultation) and the Council's voting
rule (``counvte``: ``QMV``, ``Unan``) become each issue's ``model_params.procedural``
(:mod:`stratagem.models.procedural`), with the Commission as agenda setter and the
Parliament as co-legislator when they take a position on the issue.

Each issue becomes a one-issue :class:`~stratagem.scenario.Scenario` on 0–100 with the
reference point as its status quo, inside a :class:`DecisionCase` that also holds the
outcome and the proposal it belongs to (issues of one proposal are correlated, so
resampling and cross-validation group by proposal).

An actor with a position but no salience (14 cells in the 1996–2005 training file) is
handled by ``missing_salience``: ``drop`` (default) leaves it out of that issue, as the
models need both; ``zero`` keeps it with salience 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from stratagem.errors import InvalidInputError, Problem
from stratagem.io import csv_rows, decode, parse_number
from stratagem.scenario import Actor, Issue, Scenario, Value

__all__ = ["DEUDataset", "DecisionCase", "read_deu"]

ACTOR_NAMES = {
    "com": "European Commission",
    "ep": "European Parliament",
    "at": "Austria",
    "be": "Belgium",
    "bu": "Bulgaria",
    "cr": "Croatia",
    "cy": "Cyprus",
    "cz": "Czechia",
    "dk": "Denmark",
    "ee": "Estonia",
    "fi": "Finland",
    "fr": "France",
    "de": "Germany",
    "el": "Greece",
    "hu": "Hungary",
    "ie": "Ireland",
    "it": "Italy",
    "lv": "Latvia",
    "lt": "Lithuania",
    "lu": "Luxembourg",
    "mt": "Malta",
    "nl": "Netherlands",
    "pl": "Poland",
    "pt": "Portugal",
    "ro": "Romania",
    "si": "Slovenia",
    "sk": "Slovakia",
    "es": "Spain",
    "se": "Sweden",
    "uk": "United Kingdom",
}
_NOT_ACTORS = {"prnrnmc", "prnr", "prname", "proc", "proccde"}
_PROCEDURES = {"COD": "codecision", "CNS": "consultation"}


@dataclass(frozen=True)
class DecisionCase:
    """One controversial issue with a known outcome (or none).

    Parameters
    ----------
    scenario : Scenario
        The actors that took a position, on a 0–100 scale, status quo = reference point.
    proposal : str
        The legislative proposal the issue belongs to.
    outcome : float or None
        Where the decision landed (``None`` when the file gives none).
    reference_point : float or None
        The status quo, when given.
    introduced : datetime.date or None
        The proposal's introduction date (``intro``), when it parses.
    line : int
        The row's line in the file.
    """

    scenario: Scenario
    proposal: str
    outcome: float | None
    reference_point: float | None
    introduced: dt.date | None
    line: int


@dataclass(frozen=True)
class DEUDataset:
    """All the issues of a DEU file, with the actors and their capability proxy."""

    cases: tuple[DecisionCase, ...]
    actors: tuple[str, ...]
    proxy: dict[str, float]
    source: str
    missing_salience: str = "drop"

    @property
    def with_outcome(self) -> tuple[DecisionCase, ...]:
        """The cases whose outcome is known."""
        return tuple(c for c in self.cases if c.outcome is not None)


def _date(text: str) -> dt.date | None:
    for fmt in ("%d-%m-%y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def read_deu(path: str | Path, missing_salience: str = "drop") -> DEUDataset:
    """Read a DEU III tab-separated file.

    Parameters
    ----------
    path : str or Path
        The file.
    missing_salience : {"drop", "zero"}
        What to do with an actor that gives a position but no salience.

    Raises
    ------
    InvalidInputError
        With every problem (missing columns, numbers that are not numbers, values
        outside 0–100), each with its line.
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInputError(
            [Problem("file", f"cannot be read: {exc.strerror}", None, source)]
        ) from None
    text = decode(data, source, "DEU")
    rows = [row for row, _line in csv_rows(csv.reader(io.StringIO(text), delimiter="\t"), source)]
    problems: list[Problem] = []
    if len(rows) < 3:
        raise InvalidInputError(
            [Problem("file", "is not a DEU file: fewer than three rows", 1, source)]
        )
    header = [h.strip() for h in rows[0]]
    col = {h: k for k, h in enumerate(header)}
    actors = [
        h[1:] for h in header if h.startswith("p") and h not in _NOT_ACTORS and f"s{h[1:]}" in col
    ]
    for needed in ("prnr", "out", "rp"):
        if needed not in col:
            problems.append(Problem("header", f"missing the {needed!r} column", 1, source))
    if not actors:
        problems.append(Problem("header", "no p<actor>/s<actor> column pairs", 1, source))
    if problems:
        raise InvalidInputError(problems)
    proxy_row = rows[1]
    proxy: dict[str, float] = {}
    for a in actors:
        cell = proxy_row[col[f"p{a}"]] if col[f"p{a}"] < len(proxy_row) else ""
        value = parse_number(cell) if cell.strip() else None
        if value is None or value < 0:
            problems.append(
                Problem(
                    f"capability[{a}]", f"proxy {cell!r} is not a non-negative number", 2, source
                )
            )
        else:
            proxy[a] = value
    cases: list[DecisionCase] = []
    for line, row in enumerate(rows[2:], start=3):
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))  # noqa: PLW2901 - pad short rows

        def number(name: str, row: list[str] = row, line: int = line) -> float | None:
            cell = row[col[name]].strip()
            if not cell:
                return None
            value = parse_number(cell)
            if value is None or not 0.0 <= value <= 100.0:
                problems.append(
                    Problem(name, f"{cell!r} is not a number in [0, 100]", line, source)
                )
                return None
            return value

        issue_id = (row[col["isnr"]].strip() if "isnr" in col else "") or f"row{line}"
        values: dict[tuple[str, str], Value] = {}
        for a in actors:
            pos, sal = number(f"p{a}"), number(f"s{a}")
            if pos is None:
                continue
            if sal is None:
                if missing_salience == "drop":
                    continue
                sal = 0.0
            values[(a, issue_id)] = Value(pos, sal / 100.0)
        outcome, rp = number("out"), number("rp")
        if not values:
            continue
        present = [a for a in actors if (a, issue_id) in values]
        procedure = row[col["proc"]].strip().upper() if "proc" in col else ""
        rule = row[col["counvte"]].strip().lower() if "counvte" in col else ""
        rules: dict[str, str] = {"procedure": _PROCEDURES.get(procedure, "council")}
        if rule.startswith("qmv") or rule == "unan":
            rules["voting_rule"] = "qmv" if rule.startswith("qmv") else "unanimity"
        if "com" in present:
            rules["agenda_setter"] = "com"
        if "ep" in present:
            rules["parliament"] = "ep"
        scenario = Scenario(
            name=issue_id,
            title=row[col["prname"]].strip() if "prname" in col else "",
            actors=tuple(Actor(a, ACTOR_NAMES.get(a, a), proxy.get(a, 0.0)) for a in present),
            issues=(Issue(issue_id, issue_id, 0.0, 100.0, status_quo=rp),),
            values=values,
            model_params={"procedural": rules},
        )
        cases.append(
            DecisionCase(
                scenario=scenario,
                proposal=row[col["prnr"]].strip(),
                outcome=outcome,
                reference_point=rp,
                introduced=_date(row[col["intro"]]) if "intro" in col else None,
                line=line,
            )
        )
    if problems:
        raise InvalidInputError(problems)
    return DEUDataset(
        cases=tuple(cases),
        actors=tuple(actors),
        proxy=proxy,
        source=source,
        missing_salience=missing_salience,
    )
