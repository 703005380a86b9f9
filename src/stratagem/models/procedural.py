r"""Procedural models of legislative decisions: who must agree, against the status quo.

Where the spatial and bargaining models weigh actors by capability and salience, a
procedural model asks what the rules of the game allow: which members must vote for a
change, who makes the proposal, who must accept the final text. It needs the status quo
(the reference point) of every issue and the scenario's statement of the procedure, under
``model_params: {procedural: {...}}``; without them it does not run.

Equations
---------
On one issue, Council members :math:`i` have ideal points :math:`x_i` and voting weights
:math:`w_i` (their capabilities, :math:`W = \sum_i w_i`); preferences are symmetric and
single-peaked, the status quo is :math:`q`, and a winning coalition holds at least the share
:math:`T` of the weight (``qmv_share`` under qualified majority, all of it under unanimity,
more than half under simple majority).

* **Pivots.** With ideal points sorted, the *right pivot* :math:`r` is the largest
  :math:`x` with :math:`\sum_{x_i \ge x} w_i \ge T W`, the *left pivot* :math:`l` the
  smallest with :math:`\sum_{x_i \le x} w_i \ge T W`. For :math:`T > 1/2`, :math:`r \le l`
  and :math:`[r, l]` is the Council's *core*: no winning coalition can move a point in it.
* **What the Council accepts against q.** A point :math:`y > q` gains the members with
  :math:`x_i > (q + y)/2`, a winning coalition iff :math:`y \le 2r - q`; symmetrically
  to the left. So :math:`A(q) = [\min(q, 2l - q), \max(q, 2r - q)]`, cut to the scale.
* ``council`` (the pivotal-politics model; Krehbiel 1998): no agenda setter; the status
  quo stays when it lies in the core and otherwise moves to the nearer pivot,
  :math:`\hat x = \min(\max(q, r), l)`.
* ``consultation`` (Steunenberg 1994; Crombez 1996): the agenda setter (the Commission)
  proposes the point closest to its ideal :math:`c` that a winning coalition prefers to
  :math:`q` and that the Council cannot amend unanimously (inside
  :math:`[\min_i x_i, \max_i x_i]`): :math:`\hat x = \Pi_{A(q) \cap [\min x, \max x]}(c)`,
  where :math:`\Pi_I` projects onto the interval :math:`I`. The Parliament's opinion does
  not bind.
* ``codecision`` (Tsebelis & Garrett 2000; Steunenberg & Selck 2006): the Council and the
  Parliament (ideal :math:`e`) bargain in conciliation; the Council's side is its core
  point nearest the Parliament, :math:`p = \Pi_{[r, l]}(e)`; the bargain
  :math:`z = p + \beta (e - p)` (``bargaining_share`` :math:`\beta`) must be accepted by a
  winning coalition and by the Parliament against :math:`q`:
  :math:`\hat x = \Pi_{A(q) \cap E(q)}(z)` with
  :math:`E(q) = [\min(q, 2e - q), \max(q, 2e - q)]`.

An agenda setter or a parliament without a position on an issue has no say on it: the issue
is forecast by the procedure that remains (consultation without the Commission is the
Council model; co-decision without the Parliament is consultation). Members with zero
weight do not vote; if every member's weight is zero, each gets an equal vote. An issue on
which no Council member takes a position keeps its status quo.

References
----------
Krehbiel, K. (1998). *Pivotal Politics*. University of Chicago Press.
Steunenberg, B. (1994). Decision making under different institutional arrangements:
legislation by the European Community. *Journal of Institutional and Theoretical
Economics* 150(4), 642-669.
Crombez, C. (1996). Legislative procedures in the European Community. *British Journal of
Political Science* 26(2), 199-228.
Tsebelis, G. & Garrett, G. (2000). Legislative politics in the European Union. *European
Union Politics* 1(1), 9-36.
Steunenberg, B. & Selck, T. (2006). Testing procedural models of EU legislative decision
making. In Thomson, Stokman, Achen & König (eds.), *The European Union Decides*, CUP.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.errors import InvalidInputError, Problem
from stratagem.models.baselines import needs_status_quo
from stratagem.models.registry import ModelResult, ModelSpec, Param, register
from stratagem.results import IssueForecast
from stratagem.scenario import Scenario

__all__ = ["PROCEDURES", "VOTING_RULES", "acceptable_set", "pivots"]

FloatArray = npt.NDArray[np.float64]

PROCEDURES = ("council", "consultation", "codecision")
"""The procedures modelled (see the module's equations)."""
VOTING_RULES = ("qmv", "unanimity", "simple-majority")
"""The Council's voting rules."""

# the relative tolerance below which a coalition's weight counts as reaching the threshold
_WEIGHT_TOLERANCE = 1e-12


def pivots(
    ideals: FloatArray, weights: FloatArray, share: float, strict: bool
) -> tuple[float, float]:
    """The right and left pivots ``(r, l)`` of members with ``ideals`` and ``weights``.

    Parameters
    ----------
    ideals, weights : array
        Each voting member's ideal point and weight (weights > 0).
    share : float
        The share of the total weight a winning coalition needs.
    strict : bool
        Whether a coalition needs *more* than ``share`` (simple majority) rather than at
        least it.

    Examples
    --------
    >>> import numpy as np
    >>> pivots(np.array([0.0, 40.0, 60.0, 100.0]), np.ones(4), 0.75, False)
    (40.0, 60.0)
    """
    order = np.argsort(ideals, kind="stable")
    x, w = ideals[order], weights[order]
    need = share * float(w.sum())
    slack = _WEIGHT_TOLERANCE * float(w.sum())
    from_left = np.cumsum(w)
    from_right = np.cumsum(w[::-1])[::-1]
    if strict:
        left_ok, right_ok = from_left > need + slack, from_right > need + slack
    else:
        left_ok, right_ok = from_left >= need - slack, from_right >= need - slack
    # the coalition of every member always wins (share <= 1), so both are found
    left = float(x[int(np.argmax(left_ok))]) if left_ok.any() else float(x[-1])
    right_candidates = np.flatnonzero(right_ok)
    right = float(x[int(right_candidates[-1])]) if right_candidates.size else float(x[0])
    return right, left


def acceptable_set(
    q: float, right: float, left: float, lo: float, hi: float
) -> tuple[float, float]:
    """``A(q)``: the points a winning coalition accepts against the status quo ``q``.

    Examples
    --------
    >>> acceptable_set(10.0, 40.0, 60.0, 0.0, 100.0)
    (10.0, 70.0)
    """
    low = min(q, 2.0 * left - q)
    high = max(q, 2.0 * right - q)
    return max(lo, low), min(hi, high)


def _project(x: float, low: float, high: float) -> float:
    return min(max(x, low), high)


def _issue(
    q: float,
    ideals: FloatArray,
    weights: FloatArray,
    setter: float | None,
    parliament: float | None,
    procedure: str,
    share: float,
    strict: bool,
    beta: float,
    lo: float,
    hi: float,
) -> tuple[float, dict[str, Any]]:
    if ideals.size == 0:
        return q, {"procedure": "none", "note": "no Council member takes a position"}
    if not (weights > 0).any():
        weights = np.ones_like(weights)
    voting = weights > 0
    ideals, weights = ideals[voting], weights[voting]
    right, left = pivots(ideals, weights, share, strict)
    core_low, core_high = min(right, left), max(right, left)
    accept_low, accept_high = acceptable_set(q, right, left, lo, hi)
    details: dict[str, Any] = {
        "right_pivot": right,
        "left_pivot": left,
        "accepted_against_status_quo": [accept_low, accept_high],
    }
    if procedure == "codecision" and parliament is None:
        procedure = "consultation"
    if procedure == "consultation" and setter is None:
        procedure = "council"
    details["procedure"] = procedure
    if procedure == "council":
        return _project(q, core_low, core_high), details
    if procedure == "consultation":
        low = max(accept_low, float(ideals.min()))
        high = min(accept_high, float(ideals.max()))
        assert setter is not None
        if low > high:  # cannot happen for a status quo on the scale; kept as a guard
            return q, details
        return _project(setter, low, high), details
    assert parliament is not None
    council_side = _project(parliament, core_low, core_high)
    bargain = council_side + beta * (parliament - council_side)
    ep_low, ep_high = min(q, 2.0 * parliament - q), max(q, 2.0 * parliament - q)
    low, high = max(accept_low, ep_low), min(accept_high, ep_high)
    details["council_side"] = council_side
    details["bargain"] = bargain
    return _project(bargain, low, high), details


def _named(scenario: Scenario, params: Mapping[str, Any], key: str) -> str | None:
    actor = str(params[key])
    if not actor:
        return None
    if actor not in scenario.actor_ids:
        raise InvalidInputError(
            scenario.locate(
                [
                    Problem(
                        f"model_params.procedural.{key}",
                        f"names {actor!r}, who is not an actor of the scenario "
                        f"(actors: {', '.join(scenario.actor_ids)})",
                    )
                ]
            )
        )
    return actor


def _procedural(
    scenario: Scenario, params: Mapping[str, Any], rng: np.random.Generator
) -> ModelResult:
    setter = _named(scenario, params, "agenda_setter")
    parliament = _named(scenario, params, "parliament")
    rule = params["voting_rule"]
    share = {"unanimity": 1.0, "simple-majority": 0.5}.get(rule, params["qmv_share"])
    strict = rule == "simple-majority"
    institutions = {setter, parliament} - {None}
    members = np.array([a not in institutions for a in scenario.actor_ids])
    has, x = scenario.has_position, scenario.positions
    weights = scenario.capability if params["weights"] == "capability" else np.ones_like(x)
    out: dict[str, IssueForecast] = {}
    for j, issue in enumerate(scenario.issues):
        assert issue.status_quo is not None  # required
        council = members & has[:, j]

        def ideal(actor: str | None, j: int = j) -> float | None:
            if actor is None:
                return None
            k = scenario.actor_index(actor)
            return float(x[k, j]) if has[k, j] else None

        forecast, details = _issue(
            float(issue.status_quo),
            x[council, j],
            weights[council, j],
            ideal(setter),
            ideal(parliament),
            params["procedure"],
            share,
            strict,
            params["bargaining_share"],
            issue.min,
            issue.max,
        )
        out[issue.id] = IssueForecast(forecast, details)
    return ModelResult(out)


def _needs_rules(scenario: Scenario) -> str | None:
    if "procedural" not in scenario.model_params:
        return (
            "the scenario does not state its procedure (model_params: procedural: "
            "{procedure, voting_rule, agenda_setter, parliament})"
        )
    return needs_status_quo(scenario)


register(
    ModelSpec(
        name="procedural",
        summary="What the voting rule and the agenda setter allow against the status quo.",
        function=_procedural,
        params=(
            Param(
                "procedure",
                "council",
                "council: the pivots alone (no agenda setter); consultation: the agenda "
                "setter proposes, the Council accepts by its rule or amends unanimously; "
                "codecision: the Council and the parliament bargain, both against the "
                "status quo.",
                choices=PROCEDURES,
            ),
            Param(
                "voting_rule",
                "qmv",
                "The Council's rule: a qualified majority of the weight (qmv_share), "
                "unanimity, or more than half.",
                choices=VOTING_RULES,
            ),
            Param(
                "qmv_share",
                0.71,
                "The share of the Council's weight a qualified majority needs (62 of 87 "
                "votes before 2004 is 0.713; Nice's 232 of 321 is 0.723).",
                minimum=0.5,
                maximum=1.0,
            ),
            Param("agenda_setter", "", "The actor who proposes (the Commission); none if empty."),
            Param("parliament", "", "The actor who must also accept under co-decision."),
            Param(
                "bargaining_share",
                0.5,
                "Under co-decision, how far the bargain goes from the Council's pivot toward "
                "the parliament (0: the Council's, 1: the parliament's; 0.5 splits the "
                "difference, the symmetric Nash bargain).",
                minimum=0.0,
                maximum=1.0,
            ),
            Param(
                "weights",
                "capability",
                "Council votes: each member's capability (its voting weight), or equal.",
                choices=("capability", "equal"),
            ),
        ),
        needs_salience=False,
        requires=_needs_rules,
        citation=(
            "Krehbiel 1998; Steunenberg 1994; Crombez 1996; Tsebelis & Garrett 2000; "
            "Steunenberg & Selck 2006"
        ),
    )
)
