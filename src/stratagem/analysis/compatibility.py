r"""Strategic compatibility of actors and tacit coalitions, from separate sources of evidence.

Each source gives, per issue and overall, a symmetric matrix in [0, 1] (1: fully
compatible). They are reported separately and then combined with documented weights
(:data:`WEIGHTS`), renormalised over the sources available.

* **Spatial affinity** — on issue *d*, :math:`a_{ij} = 1 - |x_i - x_j| / \Delta_d`; overall,
  the mean over issues weighted by :math:`\sqrt{s_i s_j}` (issues both care about count most).
* **Dyadic relations** (expected utility model) — every round's region of the
  challenge plane for the pair: stalemate / mutual deterrence 0.75, compromise 0.5,
  compellence 0.25, confrontation 0 (same position: 1), averaged over rounds and both
  directions.
* **Common adversaries** — for each third actor *k* on issue *d*, both *i* and *j* lose if
  *k*'s position prevails instead of the current compromise (weighted mean):
  :math:`|x_i - x_k| > |x_i - \bar x|` and the same for *j*; the share of such *k* among
  those either loses to, weighted by salience.

Tacit coalitions are pairs in concert on one issue (combined compatibility at least
``concert``) although far apart on another (spatial affinity at most ``apart``) — the
pattern the Iraq article describes for the US and the Iranian regime — and groups found by
average-linkage clustering of the combined matrix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from stratagem.jsonable import plain
from stratagem.limits import limit
from stratagem.models import get
from stratagem.results import Forecast
from stratagem.scenario import Scenario

__all__ = [
    "NULL_SHARE",
    "RELATIONS_PARAMS",
    "WEIGHTS",
    "Compatibility",
    "coalition_stability",
    "common_adversaries",
    "compatibility",
    "explain_pair",
]

FloatArray = npt.NDArray[np.float64]
WEIGHTS = {"spatial": 0.4, "relations": 0.3, "adversaries": 0.3}
RELATION_SCORES = {0: 1.0, 1: 0.0, 2: 0.5, 3: 0.25, 4: 0.75}
NULL_SHARE = 1 / 3
"""A common adversary that at least this share of all actor pairs share is not evidence
about one pair: "both lose if X prevails" is said as evidence only below it."""
RELATIONS_PARAMS = {"stop": "rounds", "rounds": 6}
"""The expected utility model's run behind the dyadic relations when none is given: a fixed
six rounds, so that every pair's relations are averaged over the same rounds whatever the
model's own stop rule would do."""
_RELATION_SCORE = np.array([RELATION_SCORES[k] for k in range(len(RELATION_SCORES))])


@dataclass(frozen=True)
class Compatibility:
    """Compatibility matrices per source and combined, per issue and overall."""

    scenario: Scenario
    per_issue: Mapping[str, Mapping[str, FloatArray]]  # source -> issue -> (n, n)
    overall: Mapping[str, FloatArray]  # source -> (n, n)
    combined_per_issue: Mapping[str, FloatArray]
    combined: FloatArray
    weights: Mapping[str, float]
    relations_run: Mapping[str, Any] | None = None  # the EUM run the relations come from

    def pair(self, a: str, b: str) -> dict[str, Any]:
        """Every source's value for one pair, per issue and overall."""
        i, j = self.scenario.actor_index(a), self.scenario.actor_index(b)
        return {
            "combined": float(self.combined[i, j]),
            "per_issue": {
                d: {
                    "combined": float(self.combined_per_issue[d][i, j]),
                    **{src: float(m[d][i, j]) for src, m in self.per_issue.items()},
                }
                for d in self.scenario.issue_ids
            },
            "sources": {src: float(m[i, j]) for src, m in self.overall.items()},
        }

    def tacit(self, concert: float = 0.7, apart: float = 0.4) -> list[dict[str, Any]]:
        """Pairs in concert on an issue while far apart on another, strongest first."""
        sc = self.scenario
        spatial = self.per_issue["spatial"]
        found = []
        for i in range(sc.n_actors):
            for j in range(i + 1, sc.n_actors):
                for d in sc.issue_ids:
                    together = self.combined_per_issue[d][i, j]
                    if together < concert:
                        continue
                    for e in sc.issue_ids:
                        if e != d and spatial[e][i, j] <= apart:
                            found.append(
                                {
                                    "actors": [sc.actors[i].id, sc.actors[j].id],
                                    "in_concert_on": d,
                                    "concert": float(together),
                                    "apart_on": e,
                                    "affinity": float(spatial[e][i, j]),
                                }
                            )
        return sorted(found, key=lambda r: (-(r["concert"] - r["affinity"]), r["actors"]))

    def coalitions(self, threshold: float = 0.6) -> list[list[str]]:
        """Groups from average-linkage clustering of the combined matrix, cut at ``threshold``."""
        from scipy.cluster.hierarchy import fcluster, linkage
        from scipy.spatial.distance import squareform

        n = self.scenario.n_actors
        if n < 2:
            return [list(self.scenario.actor_ids)]
        distance = np.clip(1.0 - self.combined, 0.0, 1.0)
        np.fill_diagonal(distance, 0.0)
        labels = fcluster(
            linkage(squareform(distance, checks=False), "average"),
            t=1.0 - threshold,
            criterion="distance",
        )
        groups: dict[int, list[str]] = {}
        for k, label in enumerate(labels):
            groups.setdefault(int(label), []).append(self.scenario.actors[k].id)
        return sorted(groups.values(), key=lambda g: (-len(g), g))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        ids = list(self.scenario.actor_ids)
        return {
            "actors": ids,
            "weights": dict(self.weights),
            "combined": self.combined.tolist(),
            "sources": {src: m.tolist() for src, m in self.overall.items()},
            "coalitions": self.coalitions(),
            "tacit": self.tacit(),
            **({"relations_run": plain(self.relations_run)} if self.relations_run else {}),
        }


def _spatial(sc: Scenario) -> tuple[dict[str, FloatArray], FloatArray]:
    per, num, den = {}, np.zeros((sc.n_actors,) * 2), np.zeros((sc.n_actors,) * 2)
    for j, issue in enumerate(sc.issues):
        x = sc.positions[:, j]
        present = sc.has_position[:, j]
        aff = 1.0 - np.abs(x[:, None] - x[None, :]) / issue.range
        both = present[:, None] & present[None, :]
        per[issue.id] = np.where(both, aff, 0.5)
        w = np.sqrt(np.outer(sc.salience[:, j], sc.salience[:, j])) * both
        num += w * aff
        den += w
    overall = np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.5)
    np.fill_diagonal(overall, 1.0)
    return per, overall


def _loses(sc: Scenario, j: int) -> npt.NDArray[np.bool_]:
    """``loses[i, k]``: on issue ``j``, i is worse off if k's position prevails.

    Worse off than with the compromise (the capability × salience weighted mean).
    """
    present = sc.has_position[:, j]
    x = sc.positions[:, j]
    w = np.where(present, sc.capability[:, j] * sc.salience[:, j], 0.0)
    mean = float(np.dot(w, x) / w.sum()) if w.sum() > 0 else float(x[present].mean())
    loses = (np.abs(x[:, None] - x[None, :]) > np.abs(x - mean)[:, None]) & present[:, None]
    return np.asarray(loses & present[None, :])


def common_adversaries(sc: Scenario, a: str, b: str, issue: str) -> list[tuple[str, float]]:
    """The third actors whose prevailing on ``issue`` both ``a`` and ``b`` would lose by.

    Each comes with how often that holds among all pairs (the null): the null share of
    actor k is the share of the pairs of other actors taking a position on the issue that
    both lose if k prevails. A common adversary that most pairs share says nothing about
    this pair (:data:`NULL_SHARE`).
    """
    j = sc.issue_index(issue)
    loses = _loses(sc, j)
    i, m = sc.actor_index(a), sc.actor_index(b)
    present = np.flatnonzero(sc.has_position[:, j])
    out = []
    for k in present:
        if k in (i, m) or not (loses[i, k] and loses[m, k]):
            continue
        others = [p for p in present if p != k]
        pairs = [(p, q) for n, p in enumerate(others) for q in others[n + 1 :]]
        share = float(np.mean([loses[p, k] and loses[q, k] for p, q in pairs])) if pairs else 1.0
        out.append((sc.actors[int(k)].id, share))
    return out


def _adversaries(sc: Scenario) -> tuple[dict[str, FloatArray], FloatArray]:
    n = sc.n_actors
    per = {}
    total_shared, total_any = np.zeros((n, n)), np.zeros((n, n))
    for j, issue in enumerate(sc.issues):
        s = sc.salience[:, j]
        loses = _loses(sc, j)
        shared = np.einsum("ik,jk->ij", loses.astype(float), loses.astype(float))
        either = np.einsum("ik,jk->ij", loses.astype(float), np.ones_like(loses, dtype=float))
        either = either + either.T - shared
        m = np.where(either > 0, shared / np.where(either > 0, either, 1.0), 0.5)
        np.fill_diagonal(m, 1.0)
        per[issue.id] = m
        weight = np.sqrt(np.outer(s, s))
        total_shared += weight * shared
        total_any += weight * either
    overall = np.where(total_any > 0, total_shared / np.where(total_any > 0, total_any, 1.0), 0.5)
    np.fill_diagonal(overall, 1.0)
    return per, overall


def _relations(sc: Scenario, forecast: Forecast) -> tuple[dict[str, FloatArray], FloatArray] | None:
    n = sc.n_actors
    per = {}
    total = np.zeros((n, n))
    count = 0
    for j, issue in enumerate(sc.issues):
        trajectory = forecast.trajectory(issue.id)
        if trajectory is None or trajectory.relations is None or not trajectory.rounds:
            return None
        present = np.flatnonzero(sc.has_position[:, j])
        m = np.full((n, n), 0.5)
        scores = _RELATION_SCORE[trajectory.relations].mean(axis=0)
        scores = (scores + scores.T) / 2.0
        m[np.ix_(present, present)] = scores
        np.fill_diagonal(m, 1.0)
        per[issue.id] = m
        total += m
        count += 1
    return per, total / max(count, 1)


def compatibility(
    scenario: Scenario,
    weights: Mapping[str, float] | None = None,
    relations: Forecast | None = None,
) -> Compatibility:
    """Compatibility of every pair of actors, per source and combined.

    Parameters
    ----------
    scenario : Scenario
        The scenario (its branch already applied, if any).
    weights : mapping, optional
        Weight of each source in the combination (default :data:`WEIGHTS`).
    relations : Forecast, optional
        An expected utility model forecast of the scenario whose dyadic relations are the
        third source; without one the model runs with :data:`RELATIONS_PARAMS` (recorded
        in the result). Above the ``pairwise_actors`` limit (:mod:`stratagem.limits`) the
        source is left out.
    """
    chosen = dict(weights or WEIGHTS)
    per: dict[str, dict[str, FloatArray]] = {}
    overall: dict[str, FloatArray] = {}
    per["spatial"], overall["spatial"] = _spatial(scenario)
    per["adversaries"], overall["adversaries"] = _adversaries(scenario)
    run = None
    if scenario.n_actors <= limit("pairwise_actors"):
        if relations is None:
            relations = get("eum").run(scenario, RELATIONS_PARAMS)
        found = _relations(scenario, relations)
        if found is not None:
            per["relations"], overall["relations"] = found
            run = {"model": relations.model, "params": dict(relations.params)}
    used = {k: v for k, v in chosen.items() if k in overall and v > 0}
    total = sum(used.values())
    combined = sum(v * overall[k] for k, v in used.items()) / total
    combined_per_issue = {
        d: np.asarray(sum(v * per[k][d] for k, v in used.items()) / total)
        for d in scenario.issue_ids
    }
    return Compatibility(
        scenario,
        per,
        overall,
        combined_per_issue,
        np.asarray(combined),
        {k: v / total for k, v in used.items()},
        run,
    )


def _interval(
    stability: Mapping[str, Any] | None, key: str, issue: str | None, i: int, k: int
) -> str:
    """The interval of a figure over the draws (', 90% of draws 0.55–0.67'), or '' if none."""
    if not stability or "intervals" not in stability:
        return ""
    block = stability["intervals"][key]
    if issue is not None:
        block = block[issue]
    return f", 90% of draws {block['p05'][i][k]:.2f}–{block['p95'][i][k]:.2f}"


def explain_pair(
    scenario: Scenario, a: str, b: str, stability: Mapping[str, Any] | None = None
) -> list[str]:
    """The evidence on one pair in plain words, and how it changes at each event.

    With ``stability`` (:func:`coalition_stability`), each figure gets its interval over the
    draws of the uncertain inputs. A common adversary is named only when it is rare among
    all pairs (:data:`NULL_SHARE`).
    """
    c = compatibility(scenario)
    name = {x.id: x.name for x in scenario.actors}
    pair = c.pair(a, b)
    i, k = scenario.actor_index(a), scenario.actor_index(b)
    lines = [
        f"{name[a]} and {name[b]}: combined compatibility {pair['combined']:.2f}"
        + _interval(stability, "combined", None, i, k)
        + f" (spatial {pair['sources']['spatial']:.2f}, common adversaries "
        f"{pair['sources']['adversaries']:.2f}"
        + (
            f", dyadic relations {pair['sources']['relations']:.2f}"
            if "relations" in pair["sources"]
            else ""
        )
        + ")."
    ]
    for issue in scenario.issues:
        values = pair["per_issue"][issue.id]
        xa, xb = (
            scenario.positions[i, scenario.issue_index(issue.id)],
            scenario.positions[k, scenario.issue_index(issue.id)],
        )
        verdict = (
            "in concert"
            if values["combined"] >= 0.7
            else "opposed"
            if values["combined"] <= 0.4
            else "neither close nor opposed"
        )
        text = (
            f"  {issue.name}: {verdict} (combined {values['combined']:.2f}"
            + _interval(stability, "per_issue", issue.id, i, k)
            + f"; positions {xa:.4g} and {xb:.4g})"
        )
        if (a, issue.id) in scenario.values and (b, issue.id) in scenario.values:
            common = common_adversaries(scenario, a, b, issue.id)
            telling = [(name[x], s) for x, s in common if s < NULL_SHARE]
            usual = [(name[x], s) for x, s in common if s >= NULL_SHARE]
            if telling:
                text += "; both lose if " + " or ".join(
                    f"{who} prevails (as do only {s:.0%} of the pairs)" for who, s in telling
                )
            if usual:
                text += "; they also lose if " + " or ".join(
                    f"{who} prevails, as do {s:.0%} of all pairs: not evidence about this pair"
                    for who, s in usual
                )
        lines.append(text + ".")
    rounds = sorted({e.round for e in scenario.events})
    if rounds:
        phases = [("at the start", 0)] + [
            (f"after {', '.join(e.name for e in scenario.events_at(r))} (round {r})", r)
            for r in rounds
        ]
        steps = []
        for label, r in phases:
            moment = scenario.at_round(r).evolve(events=(), branches=())
            value = compatibility(moment).pair(a, b)["combined"]
            steps.append(f"{label} {value:.2f}")
        lines.append("  Through the events: " + "; ".join(steps) + ".")
    return lines


@dataclass(frozen=True)
class _CoalitionDraws:
    """The engine's evaluator: each draw's coalitions."""

    threshold: float

    def __call__(
        self, scenario: Scenario, draws: Any, first_draw: int, seed: int
    ) -> list[tuple[list[list[str]], FloatArray, FloatArray]]:
        out = []
        for d in range(draws.n):
            one = scenario.with_inputs(draws.positions[d], draws.salience[d], draws.capability[d])
            c = compatibility(one.evolve(events=(), branches=()))
            per_issue = np.stack([c.combined_per_issue[i] for i in scenario.issue_ids])
            out.append((c.coalitions(self.threshold), c.combined, per_issue))
        return out


def coalition_stability(
    scenario: Scenario,
    draws: int,
    seed: int,
    threshold: float = 0.6,
    executor: str = "auto",
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """How stable the compatibilities and coalitions are over the inputs' uncertainty.

    The draws come from the uncertainty engine (:func:`stratagem.uncertainty.engine.run_draws`:
    per-chunk seeds, any executor, the same numbers for the same seed). Returns, for every
    pair, the share of draws in which it falls in the same coalition, for each coalition of
    the point estimate the share of draws in which it reappears exactly, and ``intervals``:
    the 5th and 95th percentiles of every pair's combined compatibility, overall and per
    issue.
    """
    from stratagem.uncertainty.engine import run_draws

    base = compatibility(scenario).coalitions(threshold)
    run = run_draws(
        scenario, _CoalitionDraws(threshold), draws, seed, executor=executor, progress=progress
    )
    ids = list(scenario.actor_ids)
    together = np.zeros((len(ids), len(ids)))
    reappears = [0] * len(base)
    for groups, _, _ in run.results[None]:
        for group in groups:
            idx = [ids.index(a) for a in group]
            together[np.ix_(idx, idx)] += 1
        as_sets = {frozenset(g) for g in groups}
        for k, group in enumerate(base):
            reappears[k] += frozenset(group) in as_sets
    return {
        "draws": run.draws,
        "seed": seed,
        "coalitions": [
            {"actors": g, "reappears": reappears[k] / run.draws} for k, g in enumerate(base)
        ],
        "together": (together / max(run.draws, 1)).tolist(),
        "actors": ids,
        "intervals": _percentiles(scenario, run.results[None]),
    }


def _percentiles(
    scenario: Scenario, results: list[tuple[Any, FloatArray, FloatArray]]
) -> dict[str, Any]:
    combined = np.stack([r[1] for r in results])
    per_issue = np.stack([r[2] for r in results])
    lo, hi = np.percentile(combined, [5, 95], axis=0)
    plo, phi = np.percentile(per_issue, [5, 95], axis=0)
    return {
        "combined": {"p05": lo.tolist(), "p95": hi.tolist()},
        "per_issue": {
            issue: {"p05": plo[j].tolist(), "p95": phi[j].tolist()}
            for j, issue in enumerate(scenario.issue_ids)
        },
    }
