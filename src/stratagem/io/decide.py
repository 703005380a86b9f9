"""The decide exchange-model input format (Stokman & Van Oosten; ``decide-exchange-model``).

Each row starts with a type tag; the delimiter (tab, semicolon or comma) is sniffed and
cells may be quoted with single or double quotes:

======  ===============================================================
``#A``  actor id, full name, comment
``#P``  issue id, name, description
``#M``  issue id, position, meaning (scale anchors; their min/max give the scale,
        0–100 when an issue has none)
``#D``  actor id, issue id, position, salience (0–1), power (0–1), comment
``#/``  comment; ``#O`` a description of the whole data set
======  ===============================================================

Power is given per actor and issue: the actor's first power becomes its capability and
any different value on another issue a per-issue override. An actor without a ``#D``
row for an issue takes no position on it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector, Format, csv_rows, parse_number
from stratagem.scenario import Actor, Issue, ScalePoint, Scenario, Value

__all__ = ["DECIDE", "looks_like_decide", "read_decide", "write_decide"]

_TAGS = ("#A", "#P", "#M", "#D", "#/", "#O")


def _clean(cell: str) -> str:
    cell = cell.strip()
    if len(cell) >= 2 and cell[0] == cell[-1] and cell[0] in "'\"":
        cell = cell[1:-1]
    return cell.strip()


def _rows(text: str, source: str = "<decide>") -> list[tuple[int, list[str]]]:
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    delimiter = "\t" if "\t" in first else (";" if ";" in first else ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    out = []
    for row, line in csv_rows(reader, source):
        cells = [_clean(c) for c in row]
        if any(cells):
            out.append((line, cells))
    return out


def looks_like_decide(text: str) -> bool:
    """Whether the first non-blank row starts with a decide type tag."""
    for line in text.split("\n"):
        if line.strip():
            return _clean(re.split(r"[\t;,]", line.strip(), maxsplit=1)[0]) in _TAGS
    return False


def read_decide(text: str, source: str = "<decide>") -> Scenario:
    """Read a decide input file.

    Raises
    ------
    InvalidInputError
        With every problem found (unknown actors or issues, bad numbers, values out of
        range), each with its line.
    """
    c = Collector(source)
    actors: dict[str, tuple[str, str, int]] = {}
    issues: dict[str, tuple[str, str, int]] = {}
    anchors: dict[str, list[tuple[float, str]]] = {}
    data: list[tuple[int, list[str]]] = []
    description: list[str] = []
    rows = _rows(text, source)
    if not rows or not looks_like_decide(text):
        raise InvalidInputError(
            [
                Problem(
                    "file",
                    "is not a decide input file (rows must start with #A, #P, #M or #D)",
                    1,
                    source,
                )
            ]
        )
    for line, cells in rows:
        tag = cells[0]
        args = cells[1:] + [""] * 6
        if tag in ("#A", "#P"):
            kind, table = ("actor", actors) if tag == "#A" else ("issue", issues)
            where = f"{kind}s[{args[0]}]"
            if not args[0]:
                c.add(f"{kind}s", f"{tag} row without an {kind} id", line)
            elif args[0] in table:
                c.add(where, f"duplicate {kind} id {args[0]!r}", line)
            else:
                table[args[0]] = (args[1] or args[0], args[2], line)
                c.at(where, line)
        elif tag == "#M":
            value = parse_number(args[1])
            if value is None:
                c.add(f"issues[{args[0]}].points", f"{args[1]!r} is not a number", line)
            else:
                anchors.setdefault(args[0], []).append((value, args[2]))
                c.at(f"issues[{args[0]}].max", line)
                c.at(f"issues[{args[0]}].min", line)
        elif tag == "#D":
            data.append((line, args))
        elif tag == "#O":
            description.append(" ".join(a for a in args if a))
        elif tag == "#/":
            continue
        else:
            c.add("row", f"unknown row type {tag!r} (expected one of {', '.join(_TAGS)})", line)
    for iid in anchors:
        if iid not in issues:
            c.add(
                f"issues[{iid}]",
                "#M row for an issue without a #P row",
                c.line_of(f"issues[{iid}].min"),
            )
    values: dict[tuple[str, str], Value] = {}
    capability: dict[str, float] = {}
    for line, args in data:
        aid, iid = args[0], args[1]
        path = f"actors[{aid}].positions[{iid}]"
        c.at(path, line)
        if aid not in actors:
            c.add(path, f"unknown actor {aid!r} (no #A row)", line)
        if iid not in issues:
            c.add(path, f"unknown issue {iid!r} (no #P row)", line)
        if (aid, iid) in values:
            c.add(path, "a second #D row for this actor and issue", line)
        pos, sal, power = (parse_number(args[k]) for k in (2, 3, 4))
        for name, v, cell in (
            ("position", pos, args[2]),
            ("salience", sal, args[3]),
            ("capability", power, args[4]),
        ):
            if v is None:
                c.add(f"{path}.{name}", f"{cell!r} is not a number", line)
        if pos is None or sal is None or power is None or aid not in actors or iid not in issues:
            continue
        base = capability.setdefault(aid, power)
        values[(aid, iid)] = Value(
            position=pos, salience=sal, capability=None if power == base else power, note=args[5]
        )
    issue_objs = []
    for iid, (name, desc, _line) in issues.items():
        points = sorted(anchors.get(iid, []))
        lo, hi = (points[0][0], points[-1][0]) if points else (0.0, 100.0)
        issue_objs.append(
            Issue(
                id=iid,
                name=name,
                min=lo,
                max=hi,
                note=desc,
                points=tuple(ScalePoint(v, label) for v, label in points if label),
            )
        )
    actor_objs = [
        Actor(id=aid, name=name, capability=capability.get(aid, 0.0), note=comment)
        for aid, (name, comment, _line) in actors.items()
    ]
    name = re.sub(r"[^A-Za-z0-9_\-]+", "-", PurePath(source).stem).strip("-") or "decide"
    return c.build(
        lambda: Scenario(
            name=name,
            actors=tuple(actor_objs),
            issues=tuple(issue_objs),
            values=values,
            description="\n".join(description),
        )
    )


def _q(text: str) -> str:
    return "'" + text.replace("'", "").replace("\t", " ").replace("\n", " ") + "'"


def _fmt(x: float) -> str:
    return repr(float(x))


def write_decide(scenario: Scenario) -> str:
    """The scenario as a decide input file (tab-separated, quoted as the shipped files).

    Raises
    ------
    InvalidInputError
        If a capability is outside decide's 0–1 power range.
    """
    cap = scenario.capability
    problems = []
    for actor_id, issue_id in scenario.values:
        power = float(cap[scenario.actor_index(actor_id), scenario.issue_index(issue_id)])
        if not 0.0 <= power <= 1.0:
            problems.append(
                Problem(
                    f"actors[{actor_id}].positions[{issue_id}].capability",
                    f"decide powers are in [0, 1], got {power:g}",
                )
            )
    if problems:
        raise InvalidInputError(problems)
    lines = []
    if scenario.description:
        lines += [f"'#O'\t{_q(d)}" for d in scenario.description.split("\n")]
    lines += [f"'#A'\t{_q(a.id)}\t{_q(a.name)}\t{_q(a.note)}" for a in scenario.actors]
    for i in scenario.issues:
        lines.append(f"'#P'\t{_q(i.id)}\t{_q(i.name)}\t{_q(i.note)}")
        labels = {p.value: p.label for p in i.points}
        ends = sorted({i.min, i.max, *labels})
        lines += [f"'#M'\t{_q(i.id)}\t{_fmt(v)}\t{_q(labels.get(v, ''))}" for v in ends]
    for a in scenario.actors:
        for i in scenario.issues:
            v = scenario.values.get((a.id, i.id))
            if v is None:
                continue
            power = v.capability if v.capability is not None else a.capability
            lines.append(
                f"'#D'\t{_q(a.id)}\t{_q(i.id)}\t{_fmt(v.position)}\t{_fmt(v.salience)}\t"
                f"{_fmt(power)}\t{_q(v.note)}"
            )
    return "\n".join(lines) + "\n"


DECIDE = Format(
    "decide",
    (".csv", ".txt"),
    read_decide,
    write_decide,
    looks_like_decide,
    holds=frozenset({"actor_notes", "per_issue_capability", "scale_points", "display_names"}),
)
"""The decide exchange-model input format (``#A/#P/#M/#D`` rows)."""
