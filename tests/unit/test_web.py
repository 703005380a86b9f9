from __future__ import annotations

import pytest

import stratagem
import stratagem.models
from stratagem import InvalidInputError

pytest.importorskip("shiny")
from stratagem.web.app import _edit, create_app, scenario_frame


def test_scenario_frame_and_edits() -> None:
    sc = stratagem.load()
    frame = scenario_frame(sc)
    assert list(frame.columns[:4]) == [
        "actor",
        "capability",
        "iraq_order:position",
        "iraq_order:salience",
    ]
    assert frame.shape == (sc.n_actors, 2 + 2 * sc.n_issues)
    edited = _edit(sc, 5, "capability", "60")
    assert edited.actor("revolt").capability == 60
    moved = _edit(sc, 0, "escalation:position", "80")
    assert moved.values[("us", "escalation")].position == 80
    with pytest.raises(InvalidInputError, match="must not be negative"):
        _edit(sc, 0, "capability", "-1")
    with pytest.raises(InvalidInputError, match="is not a number"):
        _edit(sc, 0, "iraq_order:salience", "lots")
    with pytest.raises(InvalidInputError, match=r"1\.5 is outside \[0, 1\]"):
        _edit(sc, 0, "iraq_order:salience", "1.5")
    renamed = _edit(sc, 0, "actor", "usa")
    assert renamed.actor_ids[0] == "usa"


def test_app_page_offers_every_model_and_the_views() -> None:
    html = create_app(stratagem.load("eu-emissions-1994")).ui["html"]
    for model in stratagem.models.names():
        assert f'value="{model}"' in html, model
    for output in ("table", "forecasts", "outcomes", "narrative", "trajectories"):
        assert f'id="{output}"' in html, output
    assert 'id="run"' in html


def test_edits_keep_notes_and_rename_everywhere() -> None:
    sc = stratagem.load()
    edited = _edit(sc, 0, "escalation:salience", "0.8")
    assert edited.values[("us", "escalation")].salience == 0.8
    assert edited.values[("us", "escalation")].source == sc.values[("us", "escalation")].source
    renamed = _edit(sc, 6, "actor", "uprising")
    assert "uprising" in renamed.actor_ids
    assert renamed.uncertainty.keys() == {
        (("uprising" if a == "iran_uprising" else a), i, f) for a, i, f in sc.uncertainty
    }


def test_an_upload_is_parsed_in_a_worker_with_limits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from stratagem.web.app import parse_upload

    text = stratagem.io.write_text(stratagem.load("toll-debate"), "yaml").encode()
    assert parse_upload(text, "toll.yaml") == stratagem.load("toll-debate")
    with pytest.raises(InvalidInputError) as bad:
        parse_upload(b"name: t\nissues: []\n", "t.yaml")
    assert "t.yaml" in str(bad.value)
    with pytest.raises(InvalidInputError, match=r"took longer than 0\.0001 s"):
        parse_upload(text, "toll.yaml", seconds=0.0001)
    big = "name: big\nissues: [{id: x}]\nactors:\n" + "".join(
        f"  - {{id: a{k}, capability: 1, positions: {{x: [{k % 100}, 0.5]}}}}\n"
        for k in range(20_000)
    )
    with pytest.raises(InvalidInputError, match="needs more than 1 MB"):
        parse_upload(big.encode(), "big.yaml", memory_mb=1)
    with pytest.raises(InvalidInputError, match="20,000 actors; the dashboard shows up to 500"):
        parse_upload(big.encode(), "big.yaml")


def test_an_upload_over_the_cap_is_cut_while_it_streams() -> None:
    import asyncio
    import concurrent.futures

    from stratagem.web.app import UploadLimit

    stored = bytearray()

    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        while True:
            message = await receive()
            stored.extend(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})

    chunks = [{"type": "http.request", "body": b"x" * 1000, "more_body": True}] * 50
    chunks.append({"type": "http.request", "body": b"", "more_body": False})
    sent: list[dict] = []  # type: ignore[type-arg]

    async def receive():  # type: ignore[no-untyped-def]
        return chunks.pop(0)

    async def send(message) -> None:  # type: ignore[no-untyped-def]
        sent.append(message)

    def run(coroutine) -> None:  # type: ignore[no-untyped-def]
        # in a thread of its own: the browser tests may leave an event loop in this one
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, coroutine).result()

    scope = {"type": "http", "path": "/session/abc/upload/1", "headers": []}
    run(UploadLimit(app, max_bytes=10_000)(scope, receive, send))
    assert len(stored) == 10_001
    assert not chunks  # the rest was read (and dropped), the client finishes normally
    huge = {**scope, "headers": [(b"content-length", b"1000000")]}
    sent.clear()
    run(UploadLimit(app, max_bytes=10_000)(huge, receive, send))
    assert sent[0]["status"] == 413


def test_serve_warns_when_it_listens_beyond_loopback(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shiny
    from click.testing import CliRunner

    from stratagem.cli.main import cli

    monkeypatch.setattr(shiny, "run_app", lambda *a, **k: None)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "no authentication" in result.output
    quiet = CliRunner().invoke(cli, ["serve"])
    assert "no authentication" not in quiet.output
