"""Number options refused by argparse (status 2, no traceback): ports out of range, seconds not finite."""

from __future__ import annotations

import pytest

from tui import cli


@pytest.mark.parametrize("value, said", [
    ("70000", "a port is a number from 1 to 65535, not 70000"),
    ("-5", "a port is a number from 1 to 65535, not -5"),
    ("0", "a port is a number from 1 to 65535, not 0"),
    ("http", "not a port number: 'http'"),
])
def test_serve_refuses_a_port_out_of_range(tmp_path, capsys, monkeypatch, value: str, said: str) -> None:
    monkeypatch.setattr("tui.cli_serve.serve", lambda *a, **k: pytest.fail("served"))
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--home", str(tmp_path), "serve", f"--port={value}"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "soon"])
def test_watch_refuses_settle_that_is_not_a_finite_number(tmp_path, capsys, monkeypatch, value: str) -> None:
    monkeypatch.setattr("tui.cli_watch.run_watch", lambda *a: pytest.fail("watched"))
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--home", str(tmp_path), "import", "--watch", f"--settle={value}", str(tmp_path)])
    assert stopped.value.code == 2
    assert "--settle" in capsys.readouterr().err


@pytest.mark.parametrize("command", [["stats"], ["list"], ["export", "-q", "is:starred"]])
def test_read_only_commands_on_a_missing_home_create_nothing(tmp_path, capsys, command: list[str]) -> None:
    home = tmp_path / "nowhere" / "home"
    assert cli.main(["--home", str(home), *command]) == (0 if command == ["list"] else 1)
    assert f"no library at {home}" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists()
