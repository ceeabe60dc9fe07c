"""The user's config file: defaults, the key template, and clear messages for bad files."""

from __future__ import annotations

from pathlib import Path

from tui.config import Config, config_path, load_config
from tui.core.cite import DEFAULT_KEY_TEMPLATE


def test_no_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "absent.toml")
    assert config == Config()
    assert config.citations.key_template == DEFAULT_KEY_TEMPLATE == "{auth}{year}{shorttitle}"


def test_env_names_the_file(_own_config_file: Path) -> None:
    assert config_path() == _own_config_file
    _own_config_file.write_text('[citations]\nkey_template = "{auth}:{year}"\n')
    config = load_config()
    assert config.citations.key_template == "{auth}:{year}" and not config.problems
    assert config.path == _own_config_file


def test_bad_settings_name_file_and_line_and_keep_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "# settings\n"
        "[citations]\n"
        'key_template = "{auth}{title}"\n'
        "colour = 3\n"
        "\n"
        "[nonsense]\n"
        "x = 1\n"
    )
    config = load_config(path)
    assert config.citations.key_template == DEFAULT_KEY_TEMPLATE
    problems = "\n".join(config.problems)
    assert f"{path}:3: citations.key_template: unknown placeholder {{title}}" in problems
    assert f"{path}:4: unknown setting citations.colour" in problems
    assert f"{path}:6: unknown section [nonsense]" in problems
    path.write_text("[citations]\nkey_template = 42\n")
    assert "should be a str" in load_config(path).problems[0]


def test_invalid_toml_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[citations]\nkey_template = "unterminated\n')
    config = load_config(path)
    assert config.citations.key_template == DEFAULT_KEY_TEMPLATE
    assert config.problems and config.problems[0].startswith(f"{path}:2: not valid TOML")
    path.write_bytes(b"\xff\xfe[citations]")
    assert "can't read" in load_config(path).problems[0]


def test_a_folder_is_named_as_one(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ARXIV_READER_CONFIG", str(tmp_path))
    config = load_config()
    assert config.citations.key_template == DEFAULT_KEY_TEMPLATE
    assert config.problems == (
        f"{tmp_path} is a folder, not a config file; ARXIV_READER_CONFIG should name a file, "
        f"such as {tmp_path / 'config.toml'}; using defaults",
    )


def test_the_config_command_shows_the_path_and_the_settings(_own_config_file: Path, capsys) -> None:
    from tui.cli import main

    assert main(["config", "--path"]) == 0
    assert capsys.readouterr().out == f"{_own_config_file}\n"
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"# config file: {_own_config_file}\n# (not found: these are the defaults")
    assert 'key_template = "{auth}{year}{shorttitle}"  # the default' in out
    _own_config_file.write_text('[citations]\nkey_template = "{Auth}{year}"\nnope = 1\n')
    assert main(["config"]) == 0
    out, err = capsys.readouterr()
    assert 'key_template = "{Auth}{year}"  # default: "{auth}{year}{shorttitle}"' in out
    assert "config.toml:3: unknown setting citations.nope ignored" in err
    import tomllib

    assert tomllib.loads(out)["citations"]["key_template"] == "{Auth}{year}"  # copyable into the file


def test_export_help_says_where_the_config_is(capsys) -> None:
    import pytest

    from tui.cli import main

    with pytest.raises(SystemExit):
        main(["export", "--help"])
    assert "arxiv-reader config" in capsys.readouterr().out
