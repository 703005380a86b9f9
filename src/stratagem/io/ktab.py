"""KTAB's spatial-model scenario files: CSV and XML (KAPSARC Toolkit for Behavioral Analysis).

CSV (``SMPModel::csvRead``)::

    <scenario name>,<description>,<numActors>,<numDims>,
    Actor,Description,<cap header>,<Dim1 name>,<Sal1 header>,...,
    <name>,<desc>,<capability>,<pos_1>,<sal_1>,...,<pos_D>,<sal_D>,

XML follows ``smpSchema.xsd`` (``Scenario`` with ``name``, ``desc``, ``prngSeed``,
optional ``ModelParameters``, ``Dimensions/dName``, ``Actors/Actor`` with ``Position/dCoord``
and ``Salience/dSal``, and optional ``IdealAdjustment/iaPair``).

Positions are on 0–100 and saliences are percentages (an actor's saliences sum to at
most 100); stratagem stores saliences in [0, 1]. An actor's KTAB *name* becomes its id
and display name, its *description* the actor's note. The XML's model parameters,
ideal-adjustment pairs and seed are kept in ``Scenario.model_params["smp"]`` and
``Scenario.seed``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import xml.parsers.expat
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from stratagem.errors import InvalidInputError, Problem
from stratagem.io._common import Collector, Format, csv_rows, parse_number
from stratagem.limits import exceeded, limit
from stratagem.scenario import Actor, Issue, Scenario, Value

__all__ = [
    "KTAB_CSV",
    "KTAB_PARAMETERS",
    "KTAB_XML",
    "looks_like_ktab_csv",
    "read_csv",
    "read_xml",
    "write_csv",
    "write_xml",
]

KTAB_PARAMETERS = (
    "VictoryProbModel",
    "PCEModel",
    "StateTransitions",
    "VotingRule",
    "BigRAdjust",
    "BigRRange",
    "ThirdPartyCommit",
    "InterVecBrgn",
    "BargnModel",
)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_\-]+", "-", text.strip()).strip("-")


def _rows(text: str, source: str = "<ktab.csv>") -> tuple[list[list[str]], list[int]]:
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    rows, lines = [], []
    for row, line in csv_rows(reader, source):
        if not any(c.strip() for c in row):
            continue
        while row and not row[-1].strip():
            row.pop()
        rows.append([c.strip().strip('"') for c in row])
        lines.append(line)
    return rows, lines


def looks_like_ktab_csv(text: str) -> bool:
    """Whether the first row is KTAB's ``name,desc,numActors,numDims`` line."""
    try:
        rows, _ = _rows(text[:4096])
    except InvalidInputError:
        return False
    if not rows or len(rows[0]) < 4:
        return False
    return _whole(rows[0][2]) and _whole(rows[0][3])


def _whole(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts '²', which ``int`` refuses."""
    text = text.strip()
    return bool(text) and text.isascii() and text.isdigit()


def _count_within(
    c: Collector, what: str, text: str, limit_name: str, line: int | None
) -> int | None:
    """A declared count (KTAB's numActors, numDims) checked against its limit before use."""
    if len(text) > 12 or int(text) > limit(limit_name):
        c.add(what, exceeded(limit_name, f"{text} {limit_name}"), line)
        return None
    return int(text)


def _unique_ids(names: list[str]) -> list[str]:
    out: list[str] = []
    for k, n in enumerate(names):
        base = _slug(n) or f"dim{k + 1}"
        candidate = base
        while candidate in out:
            candidate = f"{base}-{k + 1}"
        out.append(candidate)
    return out


def _build(
    c: Collector,
    title: str,
    description: str,
    dims: list[str],
    actors: list[tuple[str, str, float | None, list[float | None], list[float | None], int]],
    **extra: Any,
) -> Scenario:
    issue_ids = _unique_ids(dims)
    issues = tuple(
        Issue(id=i, name=n, min=0.0, max=100.0) for i, n in zip(issue_ids, dims, strict=True)
    )
    actor_objs: list[Actor] = []
    values: dict[tuple[str, str], Value] = {}
    for name, desc, cap, pos, sal, line in actors:
        path = f"actors[{name}]"
        c.at(path, line)
        if cap is not None:
            actor_objs.append(Actor(id=name, name=name, capability=cap, note=desc))
        total = sum(s for s in sal if s is not None)
        if total > 100.0 + 1e-9:
            c.add(f"{path}.salience", f"saliences sum to {total:g}, more than 100", line)
        for k, iid in enumerate(issue_ids):
            c.at(f"{path}.positions[{iid}]", line)
            p, s = pos[k], sal[k]
            if p is not None and s is not None:
                values[(name, iid)] = Value(position=p, salience=s / 100.0)
    name = _slug(title) or "ktab-scenario"
    return c.build(
        lambda: Scenario(
            name=name,
            title=title,
            description=description,
            actors=tuple(actor_objs),
            issues=issues,
            values=values,
            **extra,
        )
    )


def read_csv(text: str, source: str = "<ktab.csv>") -> Scenario:
    """Read a KTAB CSV scenario.

    Raises
    ------
    InvalidInputError
        With every problem found, each with its line.
    """
    c = Collector(source)
    rows, lines = _rows(text, source)
    if len(rows) < 2 or not looks_like_ktab_csv(text):
        raise InvalidInputError(
            [
                Problem(
                    "file",
                    "is not a KTAB CSV scenario (first line must be "
                    "'name,description,numActors,numDims')",
                    1,
                    source,
                )
            ]
        )
    first = rows[0]
    counted_actors = _count_within(c, "numActors", first[2], "actors", lines[0])
    counted_dims = _count_within(c, "numDims", first[3], "issues", lines[0])
    if counted_actors is None or counted_dims is None:
        raise InvalidInputError(c.problems)
    n_actors, n_dims = counted_actors, counted_dims
    if n_dims < 1:
        c.add("numDims", "must be at least 1", lines[0])
    header = rows[1]
    if len(header) < 3 + 2 * n_dims:
        c.add(
            "header",
            f"has {len(header)} columns, {3 + 2 * n_dims} expected for {n_dims} dimension(s)",
            lines[1],
        )
    dims = [header[3 + 2 * k] if 3 + 2 * k < len(header) else f"Dim{k + 1}" for k in range(n_dims)]
    body = list(zip(rows[2:], lines[2:], strict=True))
    if len(body) != n_actors:
        c.add(
            "numActors",
            f"the first line says {n_actors} actors, the file has {len(body)}",
            lines[0],
        )
    actors = []
    for row, line in body:
        name = row[0] if row else ""
        path = f"actors[{name}]"
        if len(row) < 3 + 2 * n_dims:
            c.add(path, f"has {len(row)} cells, {3 + 2 * n_dims} expected", line)
            continue

        def num(cell: str, fieldpath: str, line: int = line) -> float | None:
            v = parse_number(cell)
            if v is None:
                c.add(fieldpath, f"{cell!r} is not a number", line)
            return v

        cap = num(row[2], f"{path}.capability")
        pos = [num(row[3 + 2 * k], f"{path}.positions[{k + 1}].position") for k in range(n_dims)]
        sal = [num(row[4 + 2 * k], f"{path}.positions[{k + 1}].salience") for k in range(n_dims)]
        actors.append((name, row[1], cap, pos, sal, line))
    return _build(c, first[0], first[1], dims, actors)


# ---------------------------------------------------------------------- XML


@dataclass
class _Node:
    tag: str
    line: int
    text: str = ""
    children: list[_Node] = field(default_factory=list)

    def all(self, tag: str) -> list[_Node]:
        return [ch for ch in self.children if ch.tag == tag]

    def first(self, tag: str) -> _Node | None:
        found = self.all(tag)
        return found[0] if found else None


def _parse_xml(text: str, source: str) -> _Node:
    parser = xml.parsers.expat.ParserCreate()
    stack: list[_Node] = []
    root: list[_Node] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(node)
        else:
            root.append(node)
        stack.append(node)

    def end(tag: str) -> None:
        stack.pop()

    def chars(data: str) -> None:
        if stack:
            stack[-1].text += data

    def no_entities(*args: object) -> None:
        # never expand or fetch entities declared by the file
        raise ValueError("entity declarations are not allowed")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.EntityDeclHandler = no_entities
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as exc:
        raise InvalidInputError(
            [
                Problem(
                    "file",
                    f"is not valid XML: {xml.parsers.expat.errors.messages[exc.code]}",
                    exc.lineno,
                    source,
                )
            ]
        ) from None
    except ValueError as exc:
        raise InvalidInputError(
            [Problem("file", str(exc), parser.CurrentLineNumber, source)]
        ) from None
    return root[0]


# What smpSchema.xsd allows inside each element (ModelParameters' children are checked
# against KTAB_PARAMETERS); anything else is refused, as the YAML reader refuses unknown fields.
_CHILDREN = {
    "Scenario": {
        "name",
        "desc",
        "prngSeed",
        "ModelParameters",
        "Dimensions",
        "Actors",
        "IdealAdjustment",
    },
    "Dimensions": {"dName"},
    "Actors": {"Actor"},
    "Actor": {"name", "description", "capability", "Position", "Salience"},
    "Position": {"dCoord"},
    "Salience": {"dSal"},
    "IdealAdjustment": {"iaPair"},
    "iaPair": {"adjustingIdeal", "referencePos", "adjust"},
}


def _unknown_elements(root: _Node, c: Collector) -> None:
    todo = [root]
    while todo:
        node = todo.pop()
        allowed = _CHILDREN.get(node.tag)
        for child in node.children:
            if allowed is not None and child.tag not in allowed:
                c.add(
                    f"<{node.tag}>",
                    f"unknown element <{child.tag}>; smpSchema.xsd allows "
                    + ", ".join(f"<{t}>" for t in sorted(allowed)),
                    child.line,
                )
            elif node.tag != "ModelParameters":
                todo.append(child)


def read_xml(text: str, source: str = "<ktab.xml>") -> Scenario:
    """Read a KTAB XML scenario (``smpSchema.xsd``).

    Raises
    ------
    InvalidInputError
        With every problem found, each with its line (an empty ``<dCoord>`` is named).
    """
    c = Collector(source)
    root = _parse_xml(text, source)
    if root.tag != "Scenario":
        raise InvalidInputError(
            [
                Problem(
                    "file",
                    f"is not a KTAB scenario: the root element is <{root.tag}>, not <Scenario>",
                    root.line,
                    source,
                )
            ]
        )

    def text_of(parent: _Node, tag: str, path: str, required: bool = True) -> str | None:
        node = parent.first(tag)
        if node is None:
            if required:
                c.add(path, f"the XML element <{tag}> is missing", parent.line)
            return None
        value = node.text.strip()
        if not value and required:
            c.add(path, f"the XML element <{tag}> has no text", node.line)
            return None
        return value

    def number_in(node: _Node, path: str) -> float | None:
        value = node.text.strip()
        if not value:
            c.add(path, f"the XML element <{node.tag}> has no text", node.line)
            return None
        v = parse_number(value)
        if v is None or not math.isfinite(v):
            c.add(path, f"<{node.tag}> holds {value!r}, not a finite number", node.line)
            return None
        return v

    _unknown_elements(root, c)

    title = text_of(root, "name", "name") or ""
    desc = text_of(root, "desc", "desc", required=False) or ""
    seed_text = text_of(root, "prngSeed", "seed", required=False)
    seed = None
    if seed_text:
        if _whole(seed_text) and len(seed_text) <= 20 and int(seed_text) < 2**64:
            seed = int(seed_text)
        else:
            c.add(
                "seed",
                f"<prngSeed> holds {seed_text[:40]!r}, not a whole number from 0 to 2^64-1",
                (root.first("prngSeed") or root).line,
            )
    params: dict[str, Any] = {}
    mp = root.first("ModelParameters")
    if mp is not None:
        for child in mp.children:
            if child.tag not in KTAB_PARAMETERS:
                c.add(f"model_params.smp.{child.tag}", "unknown KTAB model parameter", child.line)
            else:
                c.at(f"model_params.smp.{child.tag}", child.line)
                params[child.tag] = child.text.strip()
    dims_node = root.first("Dimensions")
    dims = [d.text.strip() for d in dims_node.all("dName")] if dims_node is not None else []
    if not dims:
        c.add("issues", "<Dimensions> lists no <dName>", (dims_node or root).line)
    actors = []
    actors_node = root.first("Actors")
    for k, a in enumerate(actors_node.all("Actor") if actors_node is not None else []):
        name = text_of(a, "name", f"actors[{k}].name") or f"actor-{k + 1}"
        path = f"actors[{name}]"
        c.at(path, a.line)
        desc_a = text_of(a, "description", f"{path}.description", required=False) or ""
        cap_node = a.first("capability")
        cap = number_in(cap_node, f"{path}.capability") if cap_node else None
        if cap_node is None:
            c.add(f"{path}.capability", "the XML element <capability> is missing", a.line)
        coords = (a.first("Position") or _Node("Position", a.line)).all("dCoord")
        sals = (a.first("Salience") or _Node("Salience", a.line)).all("dSal")
        for what, nodes in (("dCoord", coords), ("dSal", sals)):
            if len(nodes) != len(dims):
                c.add(
                    path, f"has {len(nodes)} <{what}> elements for {len(dims)} dimensions", a.line
                )
        ids = _unique_ids(dims)
        pos = [
            number_in(n, f"{path}.positions[{ids[j]}].position") if j < len(ids) else None
            for j, n in enumerate(coords)
        ]
        sal = [
            number_in(n, f"{path}.positions[{ids[j]}].salience") if j < len(ids) else None
            for j, n in enumerate(sals)
        ]
        pos += [None] * (len(dims) - len(pos))
        sal += [None] * (len(dims) - len(sal))
        actors.append((name, desc_a, cap, pos[: len(dims)], sal[: len(dims)], a.line))
    if actors_node is None:
        c.add("actors", "the XML element <Actors> is missing", root.line)
    adjust = []
    ia = root.first("IdealAdjustment")
    known = {a[0] for a in actors}
    for pair in ia.all("iaPair") if ia is not None else []:
        who = text_of(pair, "adjustingIdeal", "IdealAdjustment.adjustingIdeal")
        ref = text_of(pair, "referencePos", "IdealAdjustment.referencePos")
        amount_node = pair.first("adjust")
        amount = number_in(amount_node, "IdealAdjustment.adjust") if amount_node else None
        for n in (who, ref):
            if n is not None and n not in known:
                c.add("IdealAdjustment", f"unknown actor {n!r}", pair.line)
        if who and ref and amount is not None:
            adjust.append([who, ref, amount])
    if adjust:
        params["IdealAdjustment"] = adjust
    extra: dict[str, Any] = {"seed": seed}
    if params:
        extra["model_params"] = {"smp": params}
    return _build(c, title, desc, dims, actors, **extra)


# ---------------------------------------------------------------------- writers


def _ktab_problems(scenario: Scenario) -> list[Problem]:
    out = []
    for i in scenario.issues:
        if (i.min, i.max) != (0.0, 100.0):
            out.append(
                Problem(
                    f"issues[{i.id}]",
                    f"KTAB files hold positions on 0–100; this "
                    f"issue's scale is [{i.min:g}, {i.max:g}]",
                )
            )
    for a in scenario.actors:
        missing = [i.id for i in scenario.issues if (a.id, i.id) not in scenario.values]
        if missing:
            out.append(
                Problem(
                    f"actors[{a.id}].positions",
                    f"KTAB files need a position on every issue; none on {', '.join(missing)}",
                )
            )
        total = sum(v.salience for (aid, _), v in scenario.values.items() if aid == a.id)
        if total > 1.0 + 1e-9:
            out.append(
                Problem(
                    f"actors[{a.id}].positions",
                    f"KTAB needs saliences summing to at most 100%, these sum to {100 * total:g}%",
                )
            )
        if "," in a.id or "," in a.note:
            out.append(Problem(f"actors[{a.id}]", "KTAB CSV cannot hold a comma in a name"))
    return out


def _fmt(x: float) -> str:
    return f"{x:.6g}" if not float(x).is_integer() else str(int(x))


def write_csv(scenario: Scenario) -> str:
    """The scenario as KTAB CSV.

    Raises
    ------
    InvalidInputError
        If the scenario does not fit KTAB's format (scale, saliences, missing positions).
    """
    problems = _ktab_problems(scenario)
    if problems:
        raise InvalidInputError(problems)
    lines = [
        (
            f"{scenario.title or scenario.name},{scenario.description.replace(',', ';')},"
            f"{scenario.n_actors},{scenario.n_issues},"
        )
    ]
    header = ["Actor", "Description", "Capability"]
    for i in scenario.issues:
        header += [i.name.replace(",", ";"), f"{i.id} Salience"]
    lines.append(",".join(header) + ",")
    for a in scenario.actors:
        cells = [a.id, a.note.replace("\n", " "), _fmt(a.capability)]
        for i in scenario.issues:
            v = scenario.values[(a.id, i.id)]
            cells += [_fmt(v.position), _fmt(100 * v.salience)]
        lines.append(",".join(cells) + ",")
    return "\n".join(lines) + "\n"


def write_xml(scenario: Scenario) -> str:
    """The scenario as KTAB XML (``smpSchema.xsd``).

    Raises
    ------
    InvalidInputError
        If the scenario does not fit KTAB's format.
    """
    problems = [p for p in _ktab_problems(scenario) if "comma" not in p.reason]
    if problems:
        raise InvalidInputError(problems)
    e = escape
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<Scenario>",
        f"  <name>{e(scenario.title or scenario.name)}</name>",
        f"  <desc>{e(scenario.description)}</desc>",
    ]
    if scenario.seed is not None:
        out.append(f"  <prngSeed>{scenario.seed}</prngSeed>")
    smp = dict(scenario.model_params.get("smp", {}))
    named = [k for k in KTAB_PARAMETERS if k in smp]
    if named:
        out.append("  <ModelParameters>")
        out += [f"    <{k}>{e(str(smp[k]))}</{k}>" for k in named]
        out.append("  </ModelParameters>")
    out.append("  <Dimensions>")
    out += [f"    <dName>{e(i.name)}</dName>" for i in scenario.issues]
    out += ["  </Dimensions>", "  <Actors>"]
    for a in scenario.actors:
        out += [
            "    <Actor>",
            f"      <name>{e(a.id)}</name>",
            f"      <description>{e(a.note)}</description>",
            f"      <capability>{_fmt(a.capability)}</capability>",
            "      <Position>",
        ]
        vals = [scenario.values[(a.id, i.id)] for i in scenario.issues]
        out += [f"        <dCoord>{_fmt(v.position)}</dCoord>" for v in vals]
        out += ["      </Position>", "      <Salience>"]
        out += [f"        <dSal>{_fmt(100 * v.salience)}</dSal>" for v in vals]
        out += ["      </Salience>", "    </Actor>"]
    out.append("  </Actors>")
    pairs = smp.get("IdealAdjustment") or []
    if pairs:
        out.append("  <IdealAdjustment>")
        for who, ref, amount in pairs:
            out += [
                "    <iaPair>",
                f"      <adjustingIdeal>{e(str(who))}</adjustingIdeal>",
                f"      <referencePos>{e(str(ref))}</referencePos>",
                f"      <adjust>{amount}</adjust>",
                "    </iaPair>",
            ]
        out.append("  </IdealAdjustment>")
    out.append("</Scenario>")
    return "\n".join(out) + "\n"


def _looks_like_xml(text: str) -> bool:
    return text.lstrip().startswith("<")


KTAB_CSV = Format(
    "ktab-csv",
    (".csv",),
    read_csv,
    write_csv,
    looks_like_ktab_csv,
    holds=frozenset({"actor_notes"}),
)
"""KTAB's CSV scenario (``SMPModel::csvRead``)."""
KTAB_XML = Format(
    "ktab-xml",
    (".xml",),
    read_xml,
    write_xml,
    _looks_like_xml,
    holds=frozenset({"actor_notes", "smp_params", "seed"}),
)
"""KTAB's XML scenario (``smpSchema.xsd``)."""
