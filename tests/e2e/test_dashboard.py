"""The dashboard end to end: a real server, Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import stratagem
import stratagem.io

pytest.importorskip("shiny")
from shiny.playwright import controller

EXE = Path(sys.executable).with_name("stratagem")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        else:
            pytest.fail("the dashboard did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def page(browser, server):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(server)
    controller.OutputDataFrame(page, "table").expect_nrow(8, timeout=30_000)
    yield page
    context.close()


def forecast_text(page) -> str:  # type: ignore[no-untyped-def]
    return page.locator("#forecasts").inner_text()


def test_edit_capability_rerun_and_screenshot(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = controller.OutputDataFrame(page, "table")
    # the revolt is row 5; capability is column 1
    table.set_cell("60", row=5, col=1, finish_key="Enter")
    table.expect_cell("60", row=5, col=1)
    controller.InputTaskButton(page, "run").click()
    edited = stratagem.load()
    edited = edited.evolve(
        actors=tuple(
            a.__class__(a.id, a.name, 60.0, a.note, a.source) if a.id == "revolt" else a
            for a in edited.actors
        )
    )
    expected = stratagem.run(edited, "compromise").positions()["iraq_order"]
    before = stratagem.run(stratagem.load(), "compromise").positions()["iraq_order"]
    assert round(expected, 4) != round(before, 4)
    page.wait_for_function(
        "t => document.querySelector('#forecasts').innerText.includes(t)",
        arg=f"{round(expected, 4):g}",
        timeout=30_000,
    )
    assert f"{round(expected, 4):g}" in forecast_text(page)
    shot = tmp_path / "dashboard.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000


def test_invalid_edit_shows_the_cli_message(page) -> None:  # type: ignore[no-untyped-def]
    table = controller.OutputDataFrame(page, "table")
    table.set_cell("-5", row=5, col=1, finish_key="Enter")
    problems = page.locator("#problems")
    problems.get_by_text("actors[revolt].capability: must not be negative, got -5").wait_for(
        timeout=30_000
    )
    # the session goes on: a valid edit still works
    table.set_cell("25", row=5, col=1, finish_key="Enter")
    table.expect_cell("25", row=5, col=1)


def test_bad_upload_and_wrong_type(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nissues:\n  - {id: x, min: 0, max: 1}\nactors:\n"
        "  - {id: a, capability: -1, positions: {x: {position: 3, salience: 0.5}}}\n"
    )
    controller.InputFile(page, "upload").set(str(bad))
    page.locator("#problems").get_by_text(
        "bad.yaml:5: actors[a].capability: must not be negative", exact=False
    ).wait_for(timeout=30_000)
    wrong = tmp_path / "evil.exe"
    wrong.write_bytes(b"MZ\x00\x00")
    page.locator("#upload").set_input_files(str(wrong))
    page.locator("#problems").get_by_text("evil.exe: file: refused", exact=False).wait_for(
        timeout=30_000
    )


def test_ktab_upload_and_run(page, shared_data: Path) -> None:  # type: ignore[no-untyped-def]
    controller.InputFile(page, "upload").set(str(shared_data / "ktab" / "SOE-Pol-Comp.csv"))
    controller.OutputDataFrame(page, "table").expect_nrow(13, timeout=30_000)
    controller.InputTaskButton(page, "run").click()
    sc = stratagem.io.read(shared_data / "ktab" / "SOE-Pol-Comp.csv")
    expected = stratagem.run(sc, "compromise").positions()[sc.issue_ids[0]]
    page.wait_for_function(
        "t => document.querySelector('#forecasts').innerText.includes(t)",
        arg=f"{round(expected, 4):g}",
        timeout=30_000,
    )


def test_sessions_do_not_share_edits(browser, server) -> None:  # type: ignore[no-untyped-def]
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    for p in (first, second):
        p.goto(server)
        controller.OutputDataFrame(p, "table").expect_nrow(8, timeout=30_000)
    controller.OutputDataFrame(first, "table").set_cell("99", row=0, col=1, finish_key="Enter")
    controller.OutputDataFrame(first, "table").expect_cell("99", row=0, col=1)
    second.reload()
    controller.OutputDataFrame(second, "table").expect_nrow(8, timeout=30_000)
    controller.OutputDataFrame(second, "table").expect_cell("100", row=0, col=1)
    first.context.close()
    second.context.close()


def test_add_delete_actor_and_download(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    table = controller.OutputDataFrame(page, "table")
    controller.InputText(page, "new_actor").set("observer")
    controller.InputActionButton(page, "add_actor").click()
    table.expect_nrow(9, timeout=30_000)
    table.select_rows([8])
    controller.InputActionButton(page, "delete_actor").click()
    table.expect_nrow(8, timeout=30_000)
    with page.expect_download() as download_info:
        page.locator("#download_yaml").click()
    path = tmp_path / "scenario.yaml"
    download_info.value.save_as(path)
    assert stratagem.io.read(path) == stratagem.load()


def test_oversized_upload_is_refused(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.csv"
    big.write_text("actor,capability,position,salience\n" + "a,1,1,0.5\n" * 300_000)
    assert big.stat().st_size > 2 * 1024 * 1024
    page.locator("#upload").set_input_files(str(big))
    page.locator("#problems").get_by_text(
        "big.csv: file: refused: larger than 2 MB", exact=False
    ).wait_for(timeout=30_000)
    controller.OutputDataFrame(page, "table").expect_nrow(8)  # the scenario is unchanged


def test_report_download(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with page.expect_download(timeout=120_000) as download_info:
        page.locator("#download_report").click()
    path = tmp_path / "report.html"
    download_info.value.save_as(path)
    html = path.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "Inputs, with their notes and sources" in html
    assert "The graph model" in html


def test_graph_model_view_follows_the_branch_and_deleted_actors(page) -> None:  # type: ignore[no-untyped-def]
    controller.InputSelect(page, "branch").set("western-movement-rises")
    controller.InputTaskButton(page, "run").click()
    controller.NavsetTab(page, "views").set("graph")
    expected = stratagem.conflict_analysis(branch="western-movement-rises").equilibria("nash")
    page.locator("#conflict").get_by_text("512 feasible states", exact=False).wait_for(
        timeout=60_000
    )
    stability = page.locator("#conflict-stability")
    assert str(expected[0]) in stability.inner_text()
    assert "EQ" in stability.inner_text()
    # without al-Sadr its option stays as it is (not withdrawn): 256 states remain
    controller.InputSelect(page, "branch").set("(none)")
    controller.NavsetTab(page, "views").set("edit")
    table = controller.OutputDataFrame(page, "table")
    table.select_rows([4])  # sadr
    controller.InputActionButton(page, "delete_actor").click()
    table.expect_nrow(7, timeout=30_000)
    controller.InputTaskButton(page, "run").click()
    controller.NavsetTab(page, "views").set("graph")
    page.locator("#conflict").get_by_text("128 feasible states", exact=False).wait_for(
        timeout=60_000
    )


IDLE = "() => !document.documentElement.classList.contains('shiny-busy')"


def test_a_hostile_upload_does_not_hold_up_other_sessions(browser, server) -> None:  # type: ignore[no-untyped-def]
    """The alias bomb is refused in its session; a second session gets its page within 2 s.

    The page is the document; its table then renders with every other output of a new
    session (the session's first flush), which is timed and shown, not bounded at 2 s.
    """
    bomb = Path(__file__).resolve().parents[1] / "fuzz" / "corpus" / "alias-bomb-description.yaml"
    first = browser.new_context().new_page()
    first.goto(server)
    controller.OutputDataFrame(first, "table").expect_nrow(8, timeout=30_000)
    first.wait_for_function(IDLE, timeout=60_000)  # its own first render done
    first.locator("#upload").set_input_files(str(bomb))
    second = browser.new_context().new_page()
    started = time.monotonic()
    second.goto(server)
    assert time.monotonic() - started < 2.0
    controller.OutputDataFrame(second, "table").expect_nrow(8, timeout=30_000)
    print(f"second session: table after {time.monotonic() - started:.2f} s")
    first.locator("#problems").get_by_text("alias_nodes", exact=False).wait_for(timeout=30_000)
    controller.OutputDataFrame(first, "table").expect_nrow(8)  # the scenario is unchanged
    first.context.close()
    second.context.close()


def test_sigterm_stops_the_dashboard() -> None:
    port = free_port()
    proc = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}", timeout=1)
                break
            except OSError:
                time.sleep(0.25)
        proc.terminate()
        assert proc.wait(timeout=10) is not None
    finally:
        proc.kill()


def test_moving_the_revolts_capability_slider_moves_the_outcome_probabilities(
    page,
) -> None:  # type: ignore[no-untyped-def]
    """No Run button: the what-if follows the slider, beside the baseline, on the same draws."""
    scenario = stratagem.load()
    k = scenario.actor_ids.index("revolt")
    outcomes = page.locator("#whatif-outcomes")
    page.locator("#whatif-outcomes caption").wait_for(timeout=30_000)
    before = outcomes.inner_text()
    assert "revolt crushed" in before
    assert all(row.endswith("+0.000") for row in before.splitlines()[2:])  # nothing moved yet
    page.get_by_role("button", name=scenario.actor("revolt").name).click()
    slider_id = page.locator(f"input[id$='_cap_{k}']").get_attribute("id")
    assert slider_id is not None
    controller.InputSlider(page, slider_id).set("200", timeout=10_000)
    page.wait_for_function(
        "text => document.querySelector('#whatif-outcomes').innerText !== text",
        arg=before,
        timeout=30_000,
    )
    moved = [row for row in outcomes.inner_text().splitlines()[2:] if not row.endswith("0.000")]
    assert moved, outcomes.inner_text()
    stronger = scenario.apply([stratagem.Change("revolt", "capability", 200.0)])
    expected = stratagem.run(stronger, "compromise").positions()["iraq_order"]
    order = page.locator("#whatif-forecasts tr", has_text="Iraq's political order").inner_text()
    assert f"{expected:.1f}" in order.split("\t")[2]  # compromise: what if
    with page.expect_download() as download_info:  # the edited scenario is the what-if
        page.locator("#download_yaml").click()
    downloaded = stratagem.io.read(download_info.value.path(), fmt="yaml")
    assert downloaded.actor("revolt").capability == pytest.approx(200.0)
    other = page.context.browser.new_context().new_page()  # another session: its own case
    other.goto(page.url)
    other.locator("#whatif-outcomes caption").wait_for(timeout=30_000)
    assert other.locator("#whatif-outcomes").inner_text() == before
    other.context.close()
    artefacts = Path(
        os.environ.get(
            "STRATAGEM_TEST_ARTEFACTS", Path(__file__).resolve().parents[2] / "test-artefacts"
        )
    )
    (artefacts / "dashboard").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(artefacts / "dashboard" / "whatif.png"), full_page=True)
    back = "text => document.querySelector('#whatif-outcomes').innerText === text"
    page.locator(f"#{slider_id}_reset").click()  # this value back to the scenario's
    page.wait_for_function(back, arg=before, timeout=30_000)
    controller.InputSlider(page, slider_id).set("150", timeout=10_000)
    page.wait_for_function(
        "text => document.querySelector('#whatif-outcomes').innerText !== text",
        arg=before,
        timeout=30_000,
    )
    page.get_by_role("button", name="Reset every slider").click()  # every value back
    page.wait_for_function(back, arg=before, timeout=30_000)


VIEWS = {
    "positions": "#position_map img",
    "trajectories": "#trajectories img",
    "branches": "#outcome_bars img",
    "coalitions": "#compatibility_map img",
    "graph": "#conflict",
    "levers": "#levers",
}


def test_every_view_renders_without_a_console_error(page) -> None:  # type: ignore[no-untyped-def]
    """Each tab shows its figure or table; a screenshot of each in the test artefacts."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    artefacts = Path(
        os.environ.get(
            "STRATAGEM_TEST_ARTEFACTS", Path(__file__).resolve().parents[2] / "test-artefacts"
        )
    )
    (artefacts / "dashboard").mkdir(parents=True, exist_ok=True)
    controller.InputTaskButton(page, "run").click()  # the graph model's view follows a run
    for view, shown in VIEWS.items():
        controller.NavsetTab(page, "views").set(view)
        page.locator(shown).first.wait_for(timeout=60_000)
        page.wait_for_function(IDLE, timeout=60_000)
        page.screenshot(path=str(artefacts / "dashboard" / f"{view}.png"), full_page=True)
    controller.InputSelect(page, "lever_target").set("revolution prevails")
    controller.InputActionButton(page, "find_levers").click()
    page.locator("#levers li").first.wait_for(timeout=60_000)
    assert "capability" in page.locator("#levers").inner_text()
    assert (
        "al-Sadr" in page.locator("#coalitions-text").inner_text()
        or page.locator("#coalitions-text li").count() >= 0
    )
    assert errors == []


def test_what_if_downloads(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import json

    page.locator("#whatif-outcomes caption").wait_for(timeout=30_000)
    with page.expect_download() as download_info:
        page.locator("#download_json").click()
    doc = json.loads(Path(download_info.value.path()).read_text())
    assert doc["scenario"] == "iraq-2020"
    assert doc["changes"] == []  # no slider moved
    assert {f["model"] for f in doc["forecasts"]["forecasts"]} == {"compromise", "eum"}
    with page.expect_download() as download_info:
        page.locator("#download_csv").click()
    csv = Path(download_info.value.path()).read_text()
    assert csv.splitlines()[0].startswith("model,branch,issue,issue_name,forecast")
    assert len(csv.splitlines()) == 1 + 2 * 5


def test_a_long_run_shows_progress_frees_the_server_and_can_be_cancelled(
    page, browser, server
) -> None:  # type: ignore[no-untyped-def]
    """A run computes in a worker process: its progress shows, a second session is served
    meanwhile, and Cancel kills it (the forecasts stay as they were)."""
    before = forecast_text(page)
    controller.InputNumeric(page, "draws").set("20000")
    controller.InputCheckboxGroup(page, "models").set(["eum"])
    controller.InputTaskButton(page, "run").click()
    status = page.locator("#run_status")
    status.get_by_text("draws", exact=False).wait_for(timeout=30_000)
    assert "running: eum" in status.inner_text()
    second = browser.new_context().new_page()
    started = time.monotonic()
    second.goto(server)
    controller.OutputDataFrame(second, "table").expect_nrow(8, timeout=30_000)
    print(f"second session's table during a run: {time.monotonic() - started:.2f} s")
    second.context.close()
    controller.InputActionButton(page, "cancel_run").click()
    status.get_by_text("the run was cancelled").wait_for(timeout=30_000)
    assert forecast_text(page) == before
    controller.InputNumeric(page, "draws").set("0")
    controller.InputTaskButton(page, "run").click()  # the session goes on
    page.wait_for_function(
        "() => document.querySelector('#forecasts').innerText.includes('eum')",
        timeout=60_000,
    )
