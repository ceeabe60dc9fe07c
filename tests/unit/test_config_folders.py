"""``[library] folders`` in the config file: imported (what changed) when the reader opens without a PATH."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from tui.config import describe, load_config

DIGESTS = Path(__file__).resolve().parents[1] / "data" / "digests"


def test_folders_are_read_expanded_and_relative_to_the_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text('[library]\nfolders = ["~/digests/cs.CV", "shared/cs.CL", "/srv/arxiv"]\n')
    config = load_config(path)
    assert not config.problems
    assert config.folders() == [tmp_path / "me/digests/cs.CV", tmp_path / "conf/shared/cs.CL", Path("/srv/arxiv")]
    assert 'folders = ["~/digests/cs.CV", "shared/cs.CL", "/srv/arxiv"]  # default: []' in describe(config, path)


@pytest.mark.parametrize("value, said", [
    ('"~/digests"', "library.folders should be a list, not '~/digests'"),
    ('["~/digests", 3]', "library.folders: every folder must be a non-empty string"),
])
def test_a_wrong_folders_value_is_named_with_its_line(tmp_path: Path, value: str, said: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f"[library]\n\nfolders = {value}\n")
    config = load_config(path)
    assert config.library.folders == ()
    assert config.problems[0].startswith(f"{path}:3: {said}"), config.problems


def _run_reader(monkeypatch, argv: list[str]) -> dict:
    """Run ``arxiv-reader argv`` as if in a terminal, the app's run() replaced: what it was given."""
    from tui import cli
    from tui.app import ArxivReaderApp

    seen: dict = {}

    def fake_run(app: ArxivReaderApp) -> None:
        seen.update(paths=app.paths, problems=app.config.problems, sample=app.sample)

    monkeypatch.setattr(ArxivReaderApp, "run", fake_run)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert cli.main(argv) == 0
    return seen


def test_the_reader_without_a_path_imports_the_configured_folders(tmp_path: Path, monkeypatch,
                                                                  _own_config_file: Path) -> None:
    folder = tmp_path / "digests"
    shutil.copytree(DIGESTS / "cs.IR", folder / "cs.IR")
    _own_config_file.write_text(f'[library]\nfolders = ["{folder}", "{tmp_path / "gone"}"]\n')
    seen = _run_reader(monkeypatch, ["--home", str(tmp_path / "home")])
    assert seen["paths"] == [folder] and not seen["sample"]
    assert seen["problems"] == (
        f"{_own_config_file}:2: [library] folder {tmp_path / 'gone'} does not exist; not imported",)
    # A PATH given wins over the config.
    given = DIGESTS / "cs.CL" / "2026" / "08"
    assert _run_reader(monkeypatch, ["--home", str(tmp_path / "home"), str(given)])["paths"] == [given]


def test_no_folder_and_an_empty_library_still_open_the_sample(tmp_path: Path, monkeypatch,
                                                               _own_config_file: Path) -> None:
    _own_config_file.write_text(f'[library]\nfolders = ["{tmp_path / "gone"}"]\n')
    seen = _run_reader(monkeypatch, ["--home", str(tmp_path / "home")])
    assert seen["sample"] and "does not exist" in seen["problems"][0]


def test_import_watch_without_a_path_watches_the_configured_folders(tmp_path: Path, monkeypatch, capsys,
                                                                     _own_config_file: Path) -> None:
    from tui import cli

    seen: list = []
    monkeypatch.setattr("tui.cli_watch.run_watch", lambda store, paths, settle: seen.append(paths) or 0)
    home = ["--home", str(tmp_path / "home")]
    assert cli.main([*home, "import", "--watch"]) == 2
    assert "import: no PATH given and no [library] folders configured" in capsys.readouterr().err
    assert cli.main([*home, "import"]) == 2
    assert "import: give a PATH" in capsys.readouterr().err
    folder = tmp_path / "digests"
    folder.mkdir()
    _own_config_file.write_text(f'[library]\nfolders = ["{folder}", "{tmp_path / "gone"}"]\n')
    assert cli.main([*home, "import", "--watch"]) == 0
    assert seen == [[folder]]
    said = f"config: {_own_config_file}:2: [library] folder {tmp_path / 'gone'} does not exist"
    assert said in capsys.readouterr().err


@pytest.mark.parametrize("folder", ["~digests/cs.CV", "~no-such-user-here/x"])
def test_a_tilde_user_that_does_not_exist_is_named_with_its_line_not_a_crash(tmp_path: Path, folder: str) -> None:
    good = tmp_path / "good"
    good.mkdir()
    path = tmp_path / "config.toml"
    path.write_text(f'[library]\n# mine\nfolders = ["{folder}", "{good}"]\n')
    config = load_config(path)
    assert config.folders() == [good]
    found, missing = config.usable_folders()
    assert found == [good]
    user = folder[1:].partition("/")[0]
    assert missing == [f"{path}:3: [library] folder {folder}: no user {user!r} (for your own home folder "
                       f"write ~/{folder[1:]}); not imported"]


def test_a_missing_folder_is_named_with_the_line_of_folders(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[library]\nfolders = ["{tmp_path / "gone"}"]\n')
    assert load_config(path).usable_folders()[1] == [
        f"{path}:2: [library] folder {tmp_path / 'gone'} does not exist; not imported"]


def test_the_reader_with_a_tilde_user_folder_opens_and_names_it(tmp_path: Path, monkeypatch,
                                                                 _own_config_file: Path) -> None:
    folder = tmp_path / "digests"
    shutil.copytree(DIGESTS / "cs.IR", folder / "cs.IR")
    _own_config_file.write_text(f'[library]\nfolders = ["~digests/cs.CV", "{folder}"]\n')
    seen = _run_reader(monkeypatch, ["--home", str(tmp_path / "home")])
    assert seen["paths"] == [folder]
    assert any(":2: [library] folder ~digests/cs.CV: no user 'digests'" in p for p in seen["problems"])
