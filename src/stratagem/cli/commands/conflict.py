"""``stratagem conflict``: the graph model — stability, coalitions, the road from the status quo."""

from __future__ import annotations

import click

from stratagem.cli.options import (
    GroupValues,
    branch_option,
    draws_option,
    echo_json,
    handles_errors,
    json_flag,
    progress_bar,
    seed_option,
)

__all__ = ["conflict"]

CONCEPTS = ("nash", "gmr", "smr", "seq", "sim", "seqsim", "lh", "nm")


@click.command()
@click.argument("source", required=False, metavar="[SCENARIO|FILE.gmcr]")
@branch_option
@click.option(
    "--concept",
    "concepts",
    multiple=True,
    type=click.Choice(CONCEPTS),
    help="Solution concept (repeat for several); default nash, gmr, smr, seq, sim, seqsim. "
    "lh (limited move, see --horizon) and nm (non-myopic) are for two decision makers.",
)
@click.option(
    "--horizon",
    "h",
    type=click.IntRange(1),
    default=2,
    show_default=True,
    help="The horizon h of limited-move stability (lh).",
)
@click.option(
    "--coalition",
    "coalitions",
    multiple=True,
    cls=GroupValues,
    metavar="A B [C ...]",
    help="A coalition of decision makers to test (repeat for several); default every "
    "coalition of two or more.",
)
@click.option(
    "--coalition-moves",
    type=click.Choice(["sequence", "joint"]),
    default="sequence",
    show_default=True,
    help="How a coalition moves: a sequence of its members' moves (none twice in a row), "
    "or all at once.",
)
@click.option(
    "--from",
    "start",
    default=None,
    metavar="STATE",
    help="Where the status quo analysis starts: a state number, or the options taken "
    "(comma-separated, or 'none'); default the conflict's status quo.",
)
@click.option(
    "--explain",
    "explain",
    nargs=2,
    default=None,
    metavar="STATE DM",
    help="Why STATE is or is not stable for decision maker DM, under each concept asked.",
)
@click.option(
    "--inverse",
    "inverse_state",
    default=None,
    metavar="STATE",
    help="Instead of the analysis: which preference change of which decision maker would "
    "make STATE an equilibrium under the first --concept (default nash).",
)
@click.option(
    "--all-states",
    is_flag=True,
    help="List every state (default: the equilibria "
    "and the status quo) and every rank of every ranking.",
)
@draws_option(
    "Draws of the uncertain preference statements: how often each state and end is an equilibrium."
)
@seed_option()
@json_flag
@handles_errors
def conflict(
    source: str | None,
    branch: str | None,
    concepts: tuple[str, ...],
    h: int,
    coalitions: tuple[str, ...],
    coalition_moves: str,
    start: str | None,
    explain: tuple[str, str] | None,
    inverse_state: str | None,
    all_states: bool,
    draws: int,
    seed: int,
    as_json: bool,
) -> None:
    """The graph model of a conflict: stability, equilibria, coalitions, status quo paths.

    SOURCE is a scenario with a 'conflict:' section (default the embedded case) or a
    gmcr-py .gmcr file. States are numbered 1, 2, ... in increasing decimal code of the
    feasible states, and shown by the options they take.
    """
    import stratagem

    if inverse_state is not None:
        found = stratagem.conflict_inverse(
            source, inverse_state, concepts[0] if concepts else "nash", branch
        )
        if as_json:
            echo_json(found.to_dict())
        else:
            for sentence in found.sentences():
                click.echo(sentence)
        return
    groups = [tuple(g.replace(",", " ").split()) for g in coalitions] or None
    with progress_bar("drawing", draws) as progress:
        result = stratagem.conflict_analysis(
            source,
            branch,
            concepts or ("nash", "gmr", "smr", "seq", "sim", "seqsim"),
            h,
            groups,
            start,
            draws,
            seed,
            progress=progress,
            coalition_moves=coalition_moves,
        )
    explained = (
        {c: result.explain(explain[0], explain[1], c) for c in result.concepts}
        if explain is not None
        else {}
    )
    if as_json:
        doc = result.to_dict()
        if explained:
            doc["explain"] = explained
        echo_json(doc)
        return
    from stratagem.cli.render import print_conflict

    print_conflict(result, all_states, explained)
