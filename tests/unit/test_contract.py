from __future__ import annotations

from collections.abc import Callable

import pytest

from contracts import ALL_CHECKS
from stratagem import Scenario, models
from stratagem.catalog import embedded_names, load_embedded
from stratagem.models.registry import ModelSpec


def _applicable(name: str) -> list[tuple[str, str]]:
    sc = load_embedded(name)
    return [(m.name, name) for m in models.specs() if m.unavailable(sc) is None]


CASES = [case for name in embedded_names() for case in _applicable(name)]


@pytest.mark.parametrize("check", ALL_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize(("model", "scenario"), CASES)
def test_model_contract(
    check: Callable[[ModelSpec, Scenario], None], model: str, scenario: str
) -> None:
    check(models.get(model), load_embedded(scenario))


def test_registry_lists_the_baselines() -> None:
    assert {"compromise", "weighted-median", "condorcet", "status-quo"} <= set(models.names())
    for spec in models.specs():
        assert spec.summary
        assert spec.citation
        for p in spec.params:
            assert p.help
            assert p.parse(p.default) == p.default
