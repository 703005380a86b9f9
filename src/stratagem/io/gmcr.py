"""gmcr-py's ``.gmcr`` conflict files (JSON), read and written as a :class:`Conflict`.

The layout, as the files of ``shared/data/gmcr`` have it (see its README): ``options``
(``name``, ``permittedDirection`` ``both``/``fwd``/``back``), ``decisionMakers`` (``name``,
the ``options`` it controls by index, ``preferences`` as prioritized statements — a
conjunction ``[[option, "Y"|"N"], ...]`` or ``{"compound": true, "members": [...]}`` — or an
explicit ``preferenceRanking``/``preferenceVector`` of ordered state numbers, nested lists
being ties), ``infeasibles`` (patterns), and flags saying which preference form is used.

Decision makers and options get ids from their names (lower case, hyphenated, made unique);
the names are kept for display. A write gives every decision maker's ranking explicitly
(exact whatever the statements were) along with its statements where they are conjunctions
or compounds of options.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from stratagem.conflict.model import Conflict, DecisionMaker, Option, Statement
from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector, check_text_limits
from stratagem.io.schema import MISSING, Anything, Cursor, Field, ListOf, Obj, Text

__all__ = ["read_gmcr", "write_gmcr"]

_DIRECTIONS = {"both": "both", "fwd": "take", "back": "withdraw"}
_BACK = {v: k for k, v in _DIRECTIONS.items()}

_OPTION = Obj((Field("name", Text(), required=True), Field("permittedDirection", Text())))
_DM = Obj(
    (
        Field("name", Text(), required=True),
        Field("options", Anything(), required=True),
        Field("preferences", Anything()),
        Field("preferenceRanking", Anything()),
        Field("preferenceVector", Anything()),
    )
)
_GMCR = Obj(
    (
        Field("program", Text()),
        Field("version", Text()),
        Field("options", ListOf(_OPTION), required=True),
        Field("decisionMakers", ListOf(_DM), required=True),
        Field("infeasibles", Anything()),
        Field("useManualPreferenceRanking", Anything()),
        Field("useManualPreferenceVectors", Anything()),
        Field("coalitions", Anything()),
        Field("coalitionsFull", Anything()),
    )
)


def _ids(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "x"
        if base[0].isdigit():
            base = f"x-{base}"
        candidate, k = base, 2
        while candidate in out:
            candidate, k = f"{base}-{k}", k + 1
        out.append(candidate)
    return out


class _Builder:
    def __init__(self, collector: Collector, options: list[str]) -> None:
        self.c = collector
        self.options = options

    def literal(self, raw: Any, where: str) -> tuple[str, bool] | None:
        ok = (
            isinstance(raw, list)
            and len(raw) == 2
            and isinstance(raw[0], int)
            and not isinstance(raw[0], bool)
            and raw[1] in ("Y", "N")
        )
        if not ok:
            self.c.add(where, f'an option literal is [option number, "Y" or "N"], got {raw!r}')
            return None
        if not 0 <= raw[0] < len(self.options):
            self.c.add(where, f"option {raw[0]} does not exist ({len(self.options)} options)")
            return None
        return self.options[raw[0]], raw[1] == "Y"

    def conjunction(self, raw: Any, where: str) -> list[tuple[str, bool]] | None:
        if not isinstance(raw, list) or not raw:
            self.c.add(where, f"a condition is a list of option literals, got {raw!r}")
            return None
        found = [self.literal(x, f"{where}[{k}]") for k, x in enumerate(raw)]
        return None if any(f is None for f in found) else [f for f in found if f is not None]

    def statement(self, raw: Any, where: str) -> str | None:
        if isinstance(raw, Mapping):
            extra = set(raw) - {"compound", "members"}
            if extra:
                self.c.add(
                    where, f"unknown field(s) {', '.join(sorted(extra))} in a compound statement"
                )
            members = raw.get("members")
            if not isinstance(members, list) or not members:
                self.c.add(where, "a compound statement needs a list of members")
                return None
            parts = [self.conjunction(m, f"{where}.members[{k}]") for k, m in enumerate(members)]
            if any(p is None for p in parts):
                return None
            return " or ".join(f"({_text(p)})" for p in parts if p is not None)
        conj = self.conjunction(raw, where)
        return None if conj is None else _text(conj)


def _has_missing(value: Any) -> bool:
    if value is MISSING:
        return True
    if isinstance(value, dict):
        return any(_has_missing(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_missing(v) for v in value)
    return False


def _text(conj: list[tuple[str, bool]]) -> str:
    return " and ".join(o if taken else f"not {o}" for o, taken in conj)


def read_gmcr(text: str, source: str = "<gmcr>") -> Conflict:
    """Read a ``.gmcr`` file.

    Raises
    ------
    InvalidInputError
        If the text is not JSON, or with every problem in the conflict (file, line, field).
    """
    from stratagem.io.yaml_io import _line_of, _load_yaml

    check_text_limits(text, source)
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(
            [
                Problem(
                    "file", f"is not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno, source
                )
            ]
        ) from None
    doc = _load_yaml(text, source)
    if not isinstance(doc, Mapping):
        raise InvalidInputError(
            [Problem("file", "is not a .gmcr conflict (expected an object)", 1, source)]
        )
    c = Collector(source)
    d = _GMCR.check(doc, Cursor(c, _line_of))
    if not isinstance(d, dict) or _has_missing(d):
        # a refused value leaves a hole the checks below would misread: stop at the schema's
        # problems; otherwise (unknown fields only) go on, so that every problem is reported
        raise InvalidInputError(c.problems)
    option_names = [o.get("name", "") for o in d.get("options", []) if isinstance(o, dict)]
    option_ids = _ids(option_names)
    dm_entries = [x for x in d.get("decisionMakers", []) if isinstance(x, dict)]
    dm_ids = _ids([x.get("name", "") for x in dm_entries])
    b = _Builder(c, option_ids)
    controller: dict[int, str] = {}
    for k, dm in enumerate(dm_entries):
        owned = dm.get("options")
        if not isinstance(owned, list) or not all(isinstance(o, int) for o in owned):
            c.add(f"decisionMakers[{k}].options", "must be a list of option numbers")
            continue
        for o in owned:
            if not 0 <= o < len(option_ids):
                c.add(f"decisionMakers[{k}].options", f"option {o} does not exist")
            elif o in controller:
                c.add(
                    f"decisionMakers[{k}].options",
                    f"option {o} already belongs to {controller[o]!r}",
                )
            else:
                controller[o] = dm_ids[k]
    options = []
    for k, o in enumerate(d.get("options", [])):
        if not isinstance(o, dict):
            continue
        direction = o.get("permittedDirection", "both")
        if direction not in _DIRECTIONS:
            c.add(
                f"options[{k}].permittedDirection", f"{direction!r} is not one of both, fwd, back"
            )
            direction = "both"
        if k not in controller:
            c.add(f"options[{k}]", "no decision maker controls this option")
        options.append(
            Option(option_ids[k], controller.get(k, ""), o.get("name", ""), _DIRECTIONS[direction])  # type: ignore[arg-type]
        )
    infeasible = []
    raw_inf = d.get("infeasibles") or []
    if not isinstance(raw_inf, list):
        c.add("infeasibles", "must be a list of conditions")
        raw_inf = []
    for k, pattern in enumerate(raw_inf):
        conj = b.conjunction(pattern, f"infeasibles[{k}]")
        if conj is not None:
            infeasible.append(tuple(conj))
    use_ranking = bool(doc.get("useManualPreferenceRanking")) or bool(
        doc.get("useManualPreferenceVectors")
    )
    statements: list[tuple[Statement, ...]] = []
    rankings: list[Any] = []
    for k, dm in enumerate(dm_entries):
        raw = dm.get("preferences") or []
        found = []
        if not isinstance(raw, list):
            c.add(f"decisionMakers[{k}].preferences", "must be a list of statements")
            raw = []
        for j, s in enumerate(raw):
            t = b.statement(s, f"decisionMakers[{k}].preferences[{j}]")
            if t is not None:
                found.append(Statement(t))
        statements.append(tuple(found))
        key = "preferenceRanking" if "preferenceRanking" in dm else "preferenceVector"
        rankings.append(dm.get(key) if use_ranking else None)
    if c.problems:
        raise InvalidInputError(c.problems)
    dms = []
    probe: Conflict | None = None
    for k, (i, dm) in enumerate(zip(dm_ids, dm_entries, strict=True)):
        ranking = None
        if rankings[k] is not None:
            if probe is None:
                probe = Conflict(
                    "gmcr",
                    tuple(DecisionMaker(x) for x in dm_ids),
                    tuple(options),
                    tuple(infeasible),
                )
            ranking = _ranking(rankings[k], probe, c, f"decisionMakers[{k}]")
        dms.append(
            DecisionMaker(i, dm.get("name", ""), statements[k] if ranking is None else (), ranking)
        )
    if c.problems:
        raise InvalidInputError(c.problems)
    name = re.sub(r"\.gmcr$", "", source.rsplit("/", 1)[-1]) or "gmcr"

    def make() -> Conflict:
        return Conflict(name, tuple(dms), tuple(options), tuple(infeasible), source=source)

    try:
        return make()
    except InvalidInputError as err:
        raise err.located(source, c.line_of) from None


def _ranking(
    raw: Any, probe: Conflict, c: Collector, where: str
) -> tuple[tuple[int, ...], ...] | None:
    if not isinstance(raw, list):
        c.add(where, "a ranking is a list of ordered state numbers (nested lists tie)")
        return None
    tiers = []
    for t in raw:
        members = t if isinstance(t, list) else [t]
        codes = []
        for m in members:
            if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= probe.n_states:
                c.add(where, f"state {m!r} is not one of the {probe.n_states} feasible states")
                continue
            codes.append(int(probe.codes[m - 1]))
        tiers.append(tuple(codes))
    return tuple(tiers)


def write_gmcr(conflict: Conflict) -> str:
    """The conflict as a ``.gmcr`` file: explicit rankings, statements where expressible."""
    index = {o.id: k for k, o in enumerate(conflict.options)}
    scores = conflict.scores()
    dms = []
    for d, dm in enumerate(conflict.decision_makers):
        row = scores[d]
        tiers = sorted(set(row.tolist()), reverse=True)
        ranking: list[Any] = []
        for t in tiers:
            states = [int(k) + 1 for k in (row == t).nonzero()[0]]
            ranking.append(states if len(states) > 1 else states[0])
        dms.append(
            {
                "name": dm.label,
                "options": [index[o.id] for o in conflict.options if o.by == dm.id],
                "preferences": [
                    p for p in (_literals(s.when, index) for s in dm.statements) if p is not None
                ],
                "preferenceRanking": ranking,
            }
        )
    doc = {
        "program": "gmcr-py",
        "options": [
            {"name": o.label, "permittedDirection": _BACK[o.direction]} for o in conflict.options
        ],
        "decisionMakers": dms,
        "infeasibles": [[[index[o], "Y" if t else "N"] for o, t in p] for p in conflict.infeasible],
        "useManualPreferenceRanking": True,
    }
    return json.dumps(doc, indent=1) + "\n"


def _literals(text: str, index: Mapping[str, int]) -> Any:
    """A statement as gmcr-py writes it, when it is a conjunction or an or of conjunctions."""

    def conj(part: str) -> list[list[Any]] | None:
        out = []
        for raw in part.split(" and "):
            word = raw.strip().strip("()")
            negated = word.startswith("not ")
            name = word[4:] if negated else word
            if name not in index or " " in name:
                return None
            out.append([index[name], "N" if negated else "Y"])
        return out

    parts = text.split(" or ")
    found = [conj(p) for p in parts]
    if any(f is None for f in found):
        return None
    if len(found) == 1:
        return found[0]
    return {"compound": True, "members": found}
