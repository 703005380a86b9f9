"""Reports: figures for every embedded scenario, self-contained HTML, narrative vs results."""

from __future__ import annotations

import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

import stratagem
import stratagem.models
from stratagem.catalog import embedded_names
from stratagem.report import build as report_build
from stratagem.report.build import build_report, write_report


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster") and value:
                self.refs.append(value)


@pytest.fixture(scope="module")
def default_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[report_build.Report, Path]:
    report = build_report(stratagem.load(), draws=300, seed=1, workers=1)  # figures forked
    out = tmp_path_factory.mktemp("report")
    return report, write_report(report, out)


@pytest.mark.parametrize("name", embedded_names())
def test_figures_render_for_every_embedded_scenario_and_model(name: str) -> None:
    scenario = stratagem.load(name)
    report = build_report(scenario, draws=10, seed=0, formats=())
    models = {f.model for f in report.forecasts}
    assert models == {m.name for m in stratagem.models.specs() if m.unavailable(scenario) is None}
    assert "scenario" in report.figures
    assert "models" in report.figures
    assert "trajectory-eum" in report.figures  # one figure, a panel per issue
    assert ("intervals" in report.figures) == bool(report.ensembles)
    assert all(name.split("-")[0] in report_build.FIGURE_PARTS for name in report.figures)


def test_figures_drawn_by_workers_are_the_figures_drawn_here() -> None:
    import re

    scenario = stratagem.load("eu-emissions-1994")
    here = build_report(scenario, draws=20, seed=3, formats=("svg", "png"))
    forked = build_report(scenario, draws=20, seed=3, formats=("svg", "png"), workers=2)
    assert list(forked.figures) == list(here.figures)  # same figures, same order
    undated = re.compile(r"<dc:date>.*?</dc:date>", re.S)
    for name, (title, svg) in here.figures.items():
        assert forked.figures[name][0] == title
        assert undated.sub("", forked.figures[name][1]) == undated.sub("", svg), name
    assert forked.pngs.keys() == here.pngs.keys()


@pytest.mark.parametrize("name", ["eu-emissions-1994", "china-soe-pol-comp"])
def test_written_report_has_every_figure_file(name: str, tmp_path: Path) -> None:
    report = build_report(stratagem.load(name), draws=20, seed=0, formats=("svg", "png"))
    path = write_report(report, tmp_path)
    assert path.read_text().startswith("<!DOCTYPE html>")
    for figure in report.figures:
        assert (tmp_path / "figures" / f"{figure}.png").stat().st_size > 1000
        assert (tmp_path / "figures" / f"{figure}.svg").read_text().startswith("<svg")
    with pytest.raises(ValueError, match="needs figures rendered as SVG"):
        write_report(build_report(stratagem.load(name), draws=0, formats=("png",)), tmp_path)


def test_html_fetches_nothing(default_report: tuple[report_build.Report, Path]) -> None:
    _, path = default_report
    parser = Links()
    parser.feed(path.read_text())
    assert parser.refs, "the SVG figures reference their own glyphs"
    external = [r for r in parser.refs if not r.startswith(("#", "data:"))]
    assert external == []
    assert "http://" not in path.read_text().replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    ).replace('xmlns:xlink="http://www.w3.org/1999/xlink"', "").replace(
        "http://www.w3.org/2000/svg", ""
    ).replace("http://purl.org/dc/elements/1.1/", "").replace(
        "http://creativecommons.org/ns#", ""
    ).replace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "").replace(
        "http://purl.org/dc/dcmitype/StillImage", ""
    )


def test_narrative_figures_match_the_results(
    default_report: tuple[report_build.Report, Path],
) -> None:
    _report, path = default_report
    results = json.loads((path.parent / "results.json").read_text())
    forecasts = {f["model"]: f for f in results["forecasts"]}
    sims = results["simulations"]
    checked = 0
    for section in results["narrative"]:
        for sentence in section["sentences"]:
            facts = sentence["facts"]
            text = sentence["text"]
            if "forecasts" in facts:
                for issue, value in facts["forecasts"].items():
                    assert value == forecasts[facts["model"]]["issues"][issue]["forecast"]
                    assert report_build_fmt(value) in text
                assert (facts["outcome"] or "no named outcome") in text
                assert facts["outcome"] == forecasts[facts["model"]]["outcome"]
                checked += 1
            elif "probability" in facts and "branch" not in facts:
                assert facts["probability"] == sims[facts["model"]]["outcomes"][facts["outcome"]]
                assert f"{facts['probability']:.2f}" in text
                checked += 1
            elif "conflict" in facts:
                doc = results["conflict"][facts["conflict"]]
                if "equilibria" in facts:
                    assert facts["equilibria"] == doc["equilibria"]
                    assert facts["states"] == len(doc["states"])
                elif "under" in facts:
                    end = next(e for e in doc["ends"] if e["name"] == facts["end"])
                    assert facts["under"] == [x for x, eq in end["equilibrium_under"].items() if eq]
                elif "moves" in facts:
                    reached = doc["ends_reached_from_status_quo"][facts["end"]]
                    assert facts["state"] == reached["state"]
                    assert facts["moves"] == len(reached["path"])
                elif "shares" in facts:
                    drawn = doc["preference_draws"]
                    assert facts["draws"] == drawn["draws"]
                    assert facts["shares"] == drawn["end_share"][facts["concept"]]
                elif "coalitions_able" in facts:
                    able = [f for f in doc["coalitions"] if f["improvements"]]
                    assert facts["coalitions_able"] == len(able)
                elif "pairs" in facts:
                    agreement = doc["move_agreement"]
                    for a, b in facts["pairs"]:
                        row = next(
                            r
                            for r in agreement["by_mover"]
                            if r["pair"] == [a, b] and r["mover"] == facts["mover"]
                        )
                        assert row["opposed"] == 0
                        assert row["aligned"] > 0
                elif "outside_ends" in facts:
                    for state in facts["outside_ends"]:
                        assert all(state not in e["states"] for e in doc["ends"])
                checked += 1
            elif "branch" in facts:
                branch = sims[facts["model"]]["branches"][facts["branch"]]
                assert facts["probability"] == branch["outcomes"][facts["outcome"]]
                assert (
                    facts["difference"]
                    == branch["difference"]["outcomes"][facts["outcome"]]["difference"]
                )
                checked += 1
            elif "without" in facts:
                assert (
                    facts["forecast"]
                    == forecasts["compromise"]["issues"][facts["issue"]]["forecast"]
                )
                assert report_build_fmt(facts["without"]) in text
                checked += 1
            elif "from" in facts and "to" in facts:
                issue = forecasts[facts["model"]]["issues"][facts["issue"]]
                k = issue["actors"].index(facts["actor"])
                assert facts["from"] == issue["positions_by_round"][0][k]
                assert facts["to"] == issue["positions_by_round"][-1][k]
                checked += 1
            elif "hold_hold" in facts:
                from stratagem.games.normal import from_scenario, pure_equilibria

                game = from_scenario(
                    stratagem.load().evolve(events=(), branches=()),
                    facts["players"],
                    facts["issue"],
                    facts["model"],
                )
                found = [" / ".join(game.profile_label(p)) for p in pure_equilibria(game)]
                assert found == facts["equilibria"]
                checked += 1
            elif "in_concert_on" in facts:
                assert facts in results["compatibility"]["tacit"]
                assert f"{facts['concert']:.2f}" in text
                checked += 1
            elif "input" in facts:
                rows = results["tornado"][facts["model"]][facts["issue"]]
                assert rows[0] == {
                    "input": facts["input"],
                    "low": facts["low"],
                    "high": facts["high"],
                }
                checked += 1
    assert checked >= 10


def report_build_fmt(x: float) -> str:
    from stratagem.analysis.narrative import fmt

    return fmt(x)


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h2":
            self.ids += [v or "" for k, v in attrs if k == "id"]


def section_ids(html: str) -> list[str]:
    """The ids of the report's sections (its h2 headings), in order."""
    headings = Headings()
    headings.feed(html)
    return headings.ids


def test_bottom_line_comes_first_and_its_numbers_are_the_results(
    default_report: tuple[report_build.Report, Path],
) -> None:
    import html as html_lib

    _, path = default_report
    text = path.read_text()
    assert section_ids(text)[0] == "bottom-line"
    results = json.loads((path.parent / "results.json").read_text())
    line = results["bottom_line"]
    outcomes = {f["model"]: f["outcome"] for f in results["forecasts"]}
    assert all(outcomes[m] == line["end"] for m in line["agreeing"])
    assert all(outcomes[m] == o for m, o in line["others"].items())
    assert "status-quo" not in line["agreeing"]
    probability = line["probability"]
    simulated = results["simulations"][probability["model"]]
    assert simulated["draws"] == probability["draws"]
    lo, hi = probability["interval"]
    assert lo <= probability["p"] <= hi
    shown = html_lib.unescape(text)
    for sentence in line["sentences"]:
        assert sentence in shown
    assert f"{probability['p']:.2f} (95% interval {lo:.2f}–{hi:.2f})" in shown
    for model, lever in line.get("levers", {}).items():
        assert stratagem.models.get(model).dynamic is False
        assert f"{lever['size']:.2f}" in shown


def test_table_of_contents_links_every_section(
    default_report: tuple[report_build.Report, Path],
) -> None:
    _, path = default_report
    text = path.read_text()
    links = Links()
    links.feed(text[text.index('<nav class="toc"') : text.index("</nav>")])
    assert links.refs == [f"#{anchor}" for anchor in section_ids(text)]


def test_sections_come_in_the_order_a_reader_asks(
    default_report: tuple[report_build.Report, Path],
) -> None:
    """Bottom line, ends, levers, who moves, coalitions, games, inputs, method — each once."""
    _, path = default_report
    ids = section_ids(path.read_text())
    assert ids == [anchor for anchor, _ in report_build.PARTS]  # the default case has them all
    assert ids.count("ends") == 1  # one section for the uncertainty, not two


def test_every_end_shows_its_condition_in_words_beside_its_probabilities(
    default_report: tuple[report_build.Report, Path],
) -> None:
    import html as html_lib

    from stratagem.conditions import in_words

    report, path = default_report
    text = html_lib.unescape(path.read_text())
    table = text[text.index('<table class="ends">') :]
    table = table[: table.index("</table>")]
    sims = json.loads((path.parent / "results.json").read_text())["simulations"]
    for outcome in report.scenario.outcomes:
        row = table[table.index(f"<td>{outcome.name}</td>") :]
        row = row[: row.index("</tr>")]
        words = in_words(outcome.when, report.scenario)
        assert f"<td>{words}</td>" in row
        assert not any(i in words for i in report.scenario.issue_ids)  # names, not ids
        for model, sim in sims.items():
            assert f"{sim['outcomes'].get(outcome.name, 0.0):.3f}" in row, model


def test_game_tables_name_their_players_and_mark_the_equilibria(
    default_report: tuple[report_build.Report, Path],
) -> None:
    import html as html_lib

    report, path = default_report
    text = html_lib.unescape(path.read_text())
    assert text.count('<table class="game">') == len(report.found.games) > 0
    for game in report.found.games:
        world = game.worlds[0]
        first, second = world.game.players
        assert f"<th>{first} ↓ / {second} →</th>" in text
    marked = text.count("(equilibrium)</td>")
    assert marked == sum(len(g.worlds[0].pure) for g in report.found.games)


def test_no_input_is_named_by_its_id(default_report: tuple[report_build.Report, Path]) -> None:
    """Sensitivity sentences and figures name actors and issues, not ``us.iraq_order.position``."""
    report, path = default_report
    text = path.read_text()
    body = text[text.index("</nav>") : text.index('<h2 id="inputs">')]
    for actor in report.scenario.actor_ids:
        for issue in report.scenario.issue_ids:
            for field in ("position", "salience", "capability"):
                assert f"{actor}.{issue}.{field}" not in body
        assert f"{actor}.capability" not in body
    sensitivity = next(s for s in report.sections if s.title == "What the forecast depends on")
    for sentence in sensitivity.sentences:
        assert sentence.facts["input"] not in sentence.text


def test_a_branch_the_model_cannot_see_is_a_sentence_not_a_hidden_histogram(
    default_report: tuple[report_build.Report, Path],
) -> None:
    report, _ = default_report
    compromise = next(e for e in report.ensembles if e.model == "compromise")
    unchanged = compromise.unchanged_branches()
    assert unchanged  # events act in rounds, which the compromise model does not have
    said = [
        s.facts
        for section in report.sections
        for s in section.sentences
        if s.facts.get("model") == "compromise"
    ]
    for branch in unchanged:  # said once, in the simulation's notes; no "+0.00" sentence
        assert sum(branch in f.get("note", "") for f in said) == 1
        assert not any(f.get("branch") == branch for f in said)
    from stratagem.report.figures import world_label

    groups = compromise.distinct_worlds()
    assert [None, *unchanged] in groups
    assert world_label([None, *unchanged]) == " = ".join(["baseline", *unchanged])


def test_inputs_table_shows_every_note(default_report: tuple[report_build.Report, Path]) -> None:
    import html as html_lib

    _, path = default_report
    text = html_lib.unescape(path.read_text())
    for value in stratagem.load().values.values():
        assert value.note in text
        assert value.source.strip() in text


def test_writes_are_atomic_and_reruns_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = stratagem.load("eu-emissions-1994")
    report = build_report(scenario, models=["compromise", "eum"], draws=10)
    path = write_report(report, tmp_path)
    before = path.read_text()
    figures_before = sorted(p.name for p in (tmp_path / "figures").iterdir())

    def boom(_report: object) -> str:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(report_build, "_html", boom)
    with pytest.raises(RuntimeError):
        write_report(report, tmp_path)
    monkeypatch.undo()
    assert path.read_text() == before
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == figures_before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures", "report.html", "results.json"]
    smaller = build_report(scenario, models=["compromise"], draws=0)
    write_report(smaller, tmp_path)
    names = {p.stem for p in (tmp_path / "figures").iterdir()}
    assert not any(n.startswith("trajectory-eum") for n in names)  # stale figures are gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures", "report.html", "results.json"]


ARTEFACTS = Path(
    os.environ.get(
        "STRATAGEM_TEST_ARTEFACTS", Path(__file__).resolve().parents[2] / "test-artefacts"
    )
)

SECTION_BOUNDS = """() => {
  const heads = [...document.querySelectorAll('h2[id]')];
  return heads.map((h, k) => {
    const top = h.getBoundingClientRect().top + window.scrollY;
    const next = heads[k + 1];
    const end = next ? next.getBoundingClientRect().top + window.scrollY
                     : document.documentElement.scrollHeight;
    return {id: h.id, top: top, height: Math.max(1, end - top)};
  });
}"""


def test_report_reads_at_1280_px_and_prints(browser, default_report) -> None:  # type: ignore[no-untyped-def]
    """No console error, nothing wider than the page at 1280 px, a screenshot of every
    section in the test artefacts (test-artefacts/report/), and a PDF when printed."""
    _, path = default_report
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.resolve().as_uri())
    assert page.title().startswith("Baghdad, January 2020")
    assert page.locator("figure svg").count() >= 10
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide at {widths[1]} px"
    out = ARTEFACTS / "report"
    out.mkdir(parents=True, exist_ok=True)
    sections = page.evaluate(SECTION_BOUNDS)
    assert [s["id"] for s in sections][:2] == ["bottom-line", "ends"]
    for section in sections:
        clip = {"x": 0, "y": section["top"], "width": 1280, "height": min(section["height"], 4000)}
        shot = out / f"{section['id']}.png"
        page.screenshot(path=str(shot), clip=clip, full_page=True)
        assert shot.stat().st_size > 2_000, section["id"]
    page.screenshot(path=str(out / "whole.png"), full_page=True)
    assert (out / "whole.png").stat().st_size > 50_000
    pdf = out / "report.pdf"
    page.emulate_media(media="print")
    page.pdf(path=str(pdf), format="A4")
    page.close()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 100_000
    assert errors == []


def test_report_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    exe = Path(sys.executable).with_name("stratagem")
    result = subprocess.run(
        [str(exe), "report", "eu-emissions-1994", "--draws", "20", "--out", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(tmp_path / "r" / "report.html")
    assert (tmp_path / "r" / "results.json").exists()


def test_findings_begun_beside_the_models_are_the_findings_made_after_them() -> None:
    """The report begins the stance games and the graph model's analyses in a forked helper
    before the models run, and takes the rest here: the same findings, whoever did what."""
    from stratagem.analysis.findings import begin_findings, findings

    scenario = stratagem.load("iraq-2020")  # a conflict, a branch adding to it, five games
    forecasts = stratagem.forecast(scenario, ["compromise"]).forecasts
    begun = begin_findings(scenario, conflict_draws=40, seed=2)
    found = findings(scenario, forecasts, conflict_draws=40, seed=2, begun=begun)
    plain = findings(scenario, forecasts, conflict_draws=40, seed=2)
    assert len(found.conflicts) == 2
    assert len(found.games) == 5
    assert [b for b, _ in found.conflicts] == [b for b, _ in plain.conflicts]
    assert [a.to_dict() for _, a in found.conflicts] == [a.to_dict() for _, a in plain.conflicts]
    assert [g.to_dict() for g in found.games] == [g.to_dict() for g in plain.games]
    assert found.pivots == plain.pivots
