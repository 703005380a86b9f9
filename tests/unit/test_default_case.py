"""The default case is read off its article: every quote is the article's, every value has one.

The article is in the shared data (``../shared/case``); a source that is not a quote of it
must say "outside the article:" and cite where it comes from.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stratagem
from stratagem.scenario import Scenario

OUTSIDE = "outside the article:"


@pytest.fixture(scope="module")
def article(shared_data: Path) -> str:
    text = (shared_data.parent / "case" / "000_1e99cb59e6e55174.txt").read_text(encoding="utf-8")
    return _plain(text)


def _plain(text: str) -> str:
    """Quotes compared as words: quotation marks dropped, whitespace made single spaces."""
    return re.sub(r"\s+", " ", text.replace('"', "")).strip()


def _sources(sc: Scenario) -> list[tuple[str, str]]:
    """Every (where, source) of the case: values, actors, events, changes, branches."""
    out = [(f"actors[{a}].positions[{i}]", v.source) for (a, i), v in sc.values.items()]
    out += [(f"actors[{a.id}]", a.source) for a in sc.actors]
    for e in sc.events:
        out.append((f"events[{e.name}]", e.source))
        out += [(f"events[{e.name}].changes[{k}]", ch.source) for k, ch in enumerate(e.changes)]
    for b in sc.branches:
        if b.source:
            out.append((f"branches[{b.name}]", b.source))
        if b.conflict is not None:
            out += [
                (f"branches[{b.name}].conflict.options[{o.id}]", o.source)
                for o in b.conflict.options
            ]
            for dm, items in (*b.conflict.statements, *b.conflict.statements_above):
                out += [
                    (f"branches[{b.name}].conflict.preferences[{dm}][{k}]", st.source)
                    for k, st in enumerate(items)
                    if st.source
                ]
    if sc.conflict is not None:
        out += [(f"conflict.options[{o.id}]", o.source) for o in sc.conflict.options]
        for dm in sc.conflict.decision_makers:
            out += [
                (f"conflict.preferences[{dm.id}][{k}]", st.source)
                for k, st in enumerate(dm.statements)
            ]
    return out


def test_every_value_and_event_says_why(article: str) -> None:
    sc = stratagem.load()
    for (a, i), v in sc.values.items():
        assert v.note.strip(), f"actors[{a}].positions[{i}] has no note"
        assert v.source.strip(), f"actors[{a}].positions[{i}] has no source"
    for e in sc.events:
        assert e.note.strip(), f"events[{e.name}] has no note"
        for ch in e.changes:
            assert ch.note.strip(), f"events[{e.name}]: a change of {ch.actor} has no note"
    for issue in sc.issues:
        assert issue.note.strip(), issue.id


def test_every_quote_is_the_articles_word_for_word(article: str) -> None:
    sc = stratagem.load()
    outside = []
    for where, source in _sources(sc):
        assert source.strip(), f"{where}: empty source"
        if source.startswith(OUTSIDE):
            assert len(source) > len(OUTSIDE) + 20, f"{where}: say where it comes from"
            outside.append(where)
            continue
        for quote in _plain(source).split("; "):
            for piece in quote.split(" ... "):
                assert piece.strip(" .") in article, f"{where}: {piece!r} is not in the article"
    # outside knowledge stays the exception: Iran's retaliation of 8 January 2020, as an
    # event's change and as a preference of the conflict, and the capability it cites
    assert len(outside) <= 3, outside


def test_every_value_carries_its_own_range() -> None:
    sc = stratagem.load()
    assert not sc.spread  # no default spread: each range is elicited
    for a, i in sc.values:
        for field in ("position", "salience"):
            assert (a, i, field) in sc.uncertainty, f"actors[{a}].positions[{i}].{field}"
    for actor in sc.actors:
        assert (actor.id, "", "capability") in sc.uncertainty or actor.id == "us", actor.id
