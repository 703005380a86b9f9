"""Actor tables in CSV (or tab/semicolon separated): the classic one-issue layout and a wide one.

Classic layout (the expected-utility literature; BDM 1994, Scholz et al. 2011)::

    Actor,Capability,Position,Salience
    Netherlands,0.08,4,0.8

Columns in any order, headers case-insensitive, with the synonyms ``name``/blank for
the actor, ``c``/``power``/``clout``/``influence`` for capability, ``x`` for position and
``s`` for salience (so the tab-separated ``x c s`` files work as they are).

Wide layout (several issues)::

    actor,name,capability,iraq_order:position,iraq_order:salience,escalation:position,...
    #min,,,0,,0,
    #max,,,100,,100,

An ``ISSUE:capability`` column overrides the actor's capability on that issue; a blank
position cell means no position. Optional rows ``#min`` and ``#max`` give each issue's
scale under its position column; without them the scale is the range of the positions
in the file.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import PurePath

from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector, Format, csv_rows, parse_number
from stratagem.scenario import Actor, Issue, Scenario, Value

__all__ = ["TABLE", "looks_like_table", "read_table", "write_table"]

_ACTOR = {"actor", "name", "actors", ""}
_CAPABILITY = {"capability", "c", "power", "clout", "influence", "resources", "cap"}
_POSITION = {"position", "x", "pos"}
_SALIENCE = {"salience", "s", "sal"}


def _split_rows(text: str, source: str = "<csv>") -> tuple[list[list[str]], list[int]]:
    """Rows of cells and their 1-based line numbers, blank lines dropped."""
    lines = text.split("\n")
    sample = "\n".join(lines[:20])
    delimiter = ","
    if "\t" in sample:
        delimiter = "\t"
    elif sample.count(";") > sample.count(","):
        delimiter = ";"
    rows: list[list[str]] = []
    numbers: list[int] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, skipinitialspace=True)
    for row, line in csv_rows(reader, source):
        if not any(cell.strip() for cell in row):
            continue
        while row and not row[-1].strip():
            row.pop()  # tolerate trailing delimiters
        rows.append([cell.strip() for cell in row])
        numbers.append(line)
    return rows, numbers


def _role(header: str) -> str | None:
    h = header.strip().lower()
    if h in _ACTOR:
        return "actor"
    if h in _CAPABILITY:
        return "capability"
    if h in _POSITION:
        return "position"
    if h in _SALIENCE:
        return "salience"
    return None


def looks_like_table(text: str) -> bool:
    """Whether the first row is a header this module understands."""
    try:
        rows, _ = _split_rows(text[:4096])
    except InvalidInputError:
        return False
    if not rows:
        return False
    roles = [_role(h) for h in rows[0]]
    wide = any(re.fullmatch(r".+:\s*(position|salience)", h, re.IGNORECASE) for h in rows[0])
    return wide or {"capability", "position", "salience"} <= set(roles)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_\-]+", "-", text).strip("-") or "issue"


def read_table(text: str, source: str = "<csv>") -> Scenario:
    """Read a classic or wide actor table.

    Raises
    ------
    InvalidInputError
        With every problem found, each with its line.
    """
    c = Collector(source)
    rows, lines = _split_rows(text, source)
    if not rows:
        raise InvalidInputError([Problem("file", "is empty", None, source)])
    header = rows[0]
    if any(re.fullmatch(r".+:\s*(position|salience)", h, re.IGNORECASE) for h in header):
        columns = _wide_columns(header, c, lines[0])
    else:
        columns = _classic_columns(header, c, lines[0], source)
    if columns is None:
        raise InvalidInputError(c.problems)
    actor_col, name_col, cap_col, issue_cols = columns
    issue_ids = list(issue_cols)
    scale: dict[str, dict[str, float]] = {i: {} for i in issue_ids}
    actors: list[Actor] = []
    values: dict[tuple[str, str], Value] = {}
    for row, line in zip(rows[1:], lines[1:], strict=True):
        first = row[0] if row else ""
        if first.lower() in ("#min", "#max"):
            for iid, cols in issue_cols.items():
                cell = _cell(row, cols["position"])
                if cell:
                    v = parse_number(cell)
                    if v is None:
                        c.add(
                            f"issues[{iid}].{first[1:].lower()}", f"{cell!r} is not a number", line
                        )
                    else:
                        scale[iid][first[1:].lower()] = v
                        c.at(f"issues[{iid}].{first[1:].lower()}", line)
            continue
        if first.startswith("#"):
            continue
        aid = _cell(row, actor_col)
        path = f"actors[{aid}]"
        c.at(path, line)
        if not aid:
            c.add("actor", "the actor's name is empty", line)
            continue
        cap_text = _cell(row, cap_col)
        cap = parse_number(cap_text)
        if cap is None:
            c.add(f"{path}.capability", f"{cap_text!r} is not a number", line)
            cap = 0.0  # reported already; a placeholder avoids cascading problems
        actors.append(
            Actor(
                id=aid,
                name=_cell(row, name_col) or aid if name_col is not None else aid,
                capability=cap,
            )
        )
        for iid, cols in issue_cols.items():
            vpath = f"{path}.positions[{iid}]"
            c.at(vpath, line)
            pos_text = _cell(row, cols["position"])
            sal_text = _cell(row, cols.get("salience"))
            if not pos_text and not sal_text:
                continue
            pos, sal = parse_number(pos_text), parse_number(sal_text)
            if pos is None:
                c.add(f"{vpath}.position", f"{pos_text!r} is not a number", line)
            if sal is None:
                c.add(f"{vpath}.salience", f"{sal_text!r} is not a number", line)
            override = None
            if "capability" in cols and _cell(row, cols["capability"]):
                override = parse_number(_cell(row, cols["capability"]))
                if override is None:
                    c.add(f"{vpath}.capability", "is not a number", line)
            if pos is not None and sal is not None:
                values[(aid, iid)] = Value(pos, sal, override)
    issues = []
    for iid in issue_ids:
        xs = [v.position for (_, i), v in values.items() if i == iid and math.isfinite(v.position)]
        lo = scale[iid].get("min", min(xs) if xs else 0.0)
        hi = scale[iid].get("max", max(xs) if xs else 100.0)
        if "min" not in scale[iid] and "max" not in scale[iid] and xs and lo == hi:
            c.add(
                f"issues[{iid}]",
                "every position is equal, so the scale cannot be inferred: add #min and #max rows",
                lines[0],
            )
            hi = lo + 1.0
        issues.append(Issue(id=iid, name=iid, min=lo, max=hi))
    name = _slug(PurePath(source).stem) if not source.startswith("<") else "scenario"
    return c.build(
        lambda: Scenario(name=name, actors=tuple(actors), issues=tuple(issues), values=values)
    )


def _cell(row: list[str], col: int | None) -> str:
    if col is None or col >= len(row):
        return ""
    return row[col].strip().strip("'\"")


Columns = tuple[int, int | None, int, dict[str, dict[str, int]]]


def _classic_columns(header: list[str], c: Collector, line: int, source: str) -> Columns | None:
    found: dict[str, int] = {}
    for k, h in enumerate(header):
        role = _role(h)
        if role is None:
            c.add(
                "header",
                f"unknown column {h!r} (expected actor, capability, position, "
                "salience, or ISSUE:position columns)",
                line,
            )
        elif role in found and role != "actor":
            c.add("header", f"column {h!r} repeats {role}", line)
        else:
            found.setdefault(role, k)
    missing = [r for r in ("capability", "position", "salience") if r not in found]
    if missing:
        c.add("header", f"is not an actor table: missing column(s) {', '.join(missing)}", line)
        return None
    if c.problems:
        return None
    issue = _slug(PurePath(source).stem) if not source.startswith("<") else "issue"
    return (
        found.get("actor", 0),
        None,
        found["capability"],
        {issue: {"position": found["position"], "salience": found["salience"]}},
    )


def _wide_columns(header: list[str], c: Collector, line: int) -> Columns | None:
    actor_col: int | None = None
    name_col: int | None = None
    cap_col: int | None = None
    issue_cols: dict[str, dict[str, int]] = {}
    for k, h in enumerate(header):
        if ":" in h:
            iid, _, role = h.rpartition(":")
            role_name = _role(role)
            if not iid or role_name not in ("position", "salience", "capability"):
                c.add(
                    "header",
                    f"column {h!r} must be ISSUE:position, ISSUE:salience or ISSUE:capability",
                    line,
                )
                continue
            issue_cols.setdefault(iid.strip(), {})[str(role_name)] = k
        elif h.strip().lower() == "name" and actor_col is not None:
            name_col = k
        elif _role(h) == "actor" and actor_col is None:
            actor_col = k
        elif _role(h) == "capability":
            cap_col = k
        else:
            c.add("header", f"unknown column {h!r}", line)
    if cap_col is None:
        c.add("header", "missing the capability column", line)
    for iid, cols in issue_cols.items():
        for need in ("position", "salience"):
            if need not in cols:
                c.add("header", f"issue {iid!r} has no {need} column", line)
    if c.problems or cap_col is None:
        return None
    return (actor_col if actor_col is not None else 0, name_col, cap_col, issue_cols)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def write_table(scenario: Scenario) -> str:
    """The scenario as a wide table (or the classic layout when it has one issue).

    Notes, events, branches, outcomes and status quos are not written (see
    :func:`stratagem.io.lost_in`).
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    names_differ = any(a.name != a.id for a in scenario.actors)
    overrides = {i for (_, i), v in scenario.values.items() if v.capability is not None}
    classic = scenario.n_issues == 1 and not names_differ and not overrides
    lead = ["actor", *(["name"] if names_differ else []), "capability"]
    if classic:
        issue = scenario.issues[0]
        w.writerow(["Actor", "Capability", "Position", "Salience"])
        w.writerow(["#min", "", _fmt(issue.min), ""])
        w.writerow(["#max", "", _fmt(issue.max), ""])
        for a in scenario.actors:
            v = scenario.values.get((a.id, issue.id))
            if v is None:  # no position: an empty row keeps the actor
                w.writerow([a.id, _fmt(a.capability), "", ""])
                continue
            w.writerow([a.id, _fmt(a.capability), _fmt(v.position), _fmt(v.salience)])
        return buf.getvalue()
    header = list(lead)
    for i in scenario.issues:
        header += [f"{i.id}:position", f"{i.id}:salience"]
        if i.id in overrides:
            header.append(f"{i.id}:capability")
    w.writerow(header)
    pad = [""] * (len(lead) - 1)
    for end in ("min", "max"):
        row = [f"#{end}", *pad]
        for i in scenario.issues:
            row += [_fmt(getattr(i, end)), ""] + ([""] if i.id in overrides else [])
        w.writerow(row)
    for a in scenario.actors:
        row = [a.id, *([a.name] if names_differ else []), _fmt(a.capability)]
        for i in scenario.issues:
            v = scenario.values.get((a.id, i.id))
            row += [_fmt(v.position), _fmt(v.salience)] if v else ["", ""]
            if i.id in overrides:
                row.append(_fmt(v.capability) if v and v.capability is not None else "")
        w.writerow(row)
    return buf.getvalue()


TABLE = Format(
    "csv",
    (".csv", ".tsv", ".txt"),
    read_table,
    write_table,
    looks_like_table,
    holds=frozenset({"per_issue_capability", "display_names"}),
)
"""Actor tables (classic or wide layout)."""
