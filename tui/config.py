"""The user's settings: a small TOML file in the platform's config directory.

``~/.config/arxiv-reader/config.toml`` on Linux (``platformdirs.user_config_path``),
or the file ``$ARXIV_READER_CONFIG`` names::

    [citations]
    # Better BibTeX-style citation keys: {auth} {Auth} {year} {shortyear}
    # {shorttitle} {shorttitle:N} {Shorttitle} {id}
    key_template = "{auth}{year}{shorttitle}"

    [library]
    # Digest folders imported (what changed in them) whenever the reader opens
    # without a PATH, and watched by `arxiv-reader import --watch`.
    folders = ["~/digests/cs.CV", "~/digests/cs.CL"]

No file means the defaults.  A file that can't be read, or a setting that is
unknown or wrong, never stops anything: the default is used for it and a
message names the file and line (:attr:`Config.problems`).  The reader never
writes this file.

Adding a setting: give a section's dataclass a field with a default, and (when
its value needs more than a type check) a validator in :data:`_VALIDATORS`.
A new section is a new dataclass plus a field of :class:`Config`.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .core.cite import DEFAULT_KEY_TEMPLATE, check_key_template
from .core.regular import read_regular_file

APP_NAME = "arxiv-reader"
#: Environment variable naming another config file (tests, several profiles).
CONFIG_ENV = "ARXIV_READER_CONFIG"


@dataclass(frozen=True)
class CitationSettings:
    """``[citations]``: how exports and copies are made."""

    key_template: str = DEFAULT_KEY_TEMPLATE


@dataclass(frozen=True)
class LibrarySettings:
    """``[library]``: where the digests come from.

    ``folders``: digest folders, ``~`` expanded and a relative path taken from
    the config file's folder (see :meth:`Config.folders`)."""

    folders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """Every setting, by section, plus what was wrong with the file."""

    citations: CitationSettings = field(default_factory=CitationSettings)
    library: LibrarySettings = field(default_factory=LibrarySettings)
    #: The file read (``None``: none existed).
    path: Path | None = None
    #: ``file:line: message`` for each thing ignored in the file.
    problems: tuple[str, ...] = ()
    #: ``("section.key", line)`` for each setting read from the file (for messages).
    lines: tuple[tuple[str, int], ...] = ()

    def where(self, setting: str) -> str:
        """``file:line`` where ``setting`` (``"library.folders"``) is set, for a message."""
        line = dict(self.lines).get(setting, 0)
        return f"{self.path}:{line}" if line else str(self.path)

    def folders(self) -> list[Path]:
        """``[library] folders`` as paths: ``~`` and ``$VARS`` expanded, a relative
        path taken from the config file's folder (one that can't be expanded is
        left out: :meth:`usable_folders` names it)."""
        return [path for path in map(self._expand, self.library.folders) if isinstance(path, Path)]

    def _expand(self, folder: str) -> Path | str:
        """The folder as a path, or why it can't be one (``~nobody/x``: no such user)."""
        base = self.path.parent if self.path is not None else Path.cwd()
        try:
            return base / Path(os.path.expandvars(folder)).expanduser()
        except RuntimeError:  # (pathlib: "Could not determine home directory")
            user = folder[1:].partition("/")[0]
            return f"no user {user!r} (for your own home folder write ~/{folder[1:]})"

    def usable_folders(self) -> tuple[list[Path], list[str]]:
        """The configured folders that exist, and a message for each that does not."""
        found: list[Path] = []
        missing: list[str] = []
        where = self.where("library.folders")
        for name in self.library.folders:
            folder = self._expand(name)
            if isinstance(folder, str):
                missing.append(f"{where}: [library] folder {name}: {folder}; not imported")
            elif folder.is_dir():
                found.append(folder)
            else:
                what = "is not a folder" if folder.exists() else "does not exist"
                missing.append(f"{where}: [library] folder {folder} {what}; not imported")
        return found, missing


def _check_folders(value: list[Any]) -> tuple[str, ...]:
    """A list of folder names (strings) -> a tuple; anything else is refused."""
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ValueError("every folder must be a non-empty string, e.g. folders = [\"~/digests\"]")
    return tuple(value)


#: ``(section, key) -> check`` returning the value to use or raising ValueError.
_VALIDATORS: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("citations", "key_template"): check_key_template,
    ("library", "folders"): _check_folders,
}


def config_path() -> Path:
    """Where the config file is looked for."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file (``path`` or :func:`config_path`); never raises."""
    from_env = path is None and bool(os.environ.get(CONFIG_ENV))
    path = Path(path) if path is not None else config_path()
    if path.is_dir():
        hint = f"; {CONFIG_ENV} should name a file, such as {path / 'config.toml'}" if from_env else ""
        return Config(path=path, problems=(f"{path} is a folder, not a config file{hint}; using defaults",))
    try:
        text = read_regular_file(path).decode("utf-8")  # (a FIFO in its place: never waited on)
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        return Config(path=path, problems=(f"{path}: can't read the config file ({error}); using defaults",))
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = _error_line(str(error))
        return Config(path=path, problems=(f"{path}:{line}: not valid TOML ({error}); using defaults",))

    problems: list[str] = []
    lines: list[tuple[str, int]] = []
    config = Config(path=path)
    sections = {f.name: f for f in fields(Config) if f.name not in ("path", "problems", "lines")}
    for name, table in data.items():
        if name not in sections:
            problems.append(f"{path}:{_line_of(text, name)}: unknown section [{name}] ignored")
            continue
        if not isinstance(table, dict):
            problems.append(f"{path}:{_line_of(text, name)}: [{name}] should be a table; ignored")
            continue
        current = getattr(config, name)
        values = {}
        known = {f.name: f for f in fields(current)}
        for key, value in table.items():
            line = _line_of(text, key, name)
            lines.append((f"{name}.{key}", line))
            if key not in known:
                problems.append(f"{path}:{line}: unknown setting {name}.{key} ignored")
                continue
            default = getattr(current, key)
            if type(value) is not type(default) and not (isinstance(default, tuple) and isinstance(value, list)):
                problems.append(
                    f"{path}:{line}: {name}.{key} should be a {_type_name(default)}, "
                    f"not {value!r}; using {default!r}"
                )
                continue
            check = _VALIDATORS.get((name, key))
            try:
                values[key] = check(value) if check else value
            except ValueError as error:
                problems.append(f"{path}:{line}: {name}.{key}: {error}; using {default!r}")
        config = replace(config, **{name: replace(current, **values)})
    return replace(config, problems=tuple(problems), lines=tuple(lines))


def load_config_for_reader(paths: list[Path]) -> tuple[Config, list[Path]]:
    """The config, and what the reader imports as it opens: ``paths``, else the
    configured folders that exist (the others named in the config's problems)."""
    config = load_config()
    if paths:
        return config, paths
    folders, missing = config.usable_folders()
    return replace(config, problems=config.problems + tuple(missing)), folders


def describe(config: Config, path: Path) -> str:
    """The effective settings as a config file (TOML), headed by where the file
    is looked for and whether it exists: what ``arxiv-reader config`` prints."""
    if config.path is None:
        status = "not found: these are the defaults; create the file to change them"
    elif config.problems:
        status = "read, with problems (see above): the defaults stand for what was wrong"
    else:
        status = "read"
    lines = [f"# config file: {path}", f"# ({status})", f"# (set {CONFIG_ENV} to use another file)"]
    for section in fields(Config):
        if section.name in ("path", "problems", "lines"):
            continue
        lines.append(f"\n[{section.name}]")
        values = getattr(config, section.name)
        for setting in fields(values):
            value = getattr(values, setting.name)
            default = setting.default
            note = "  # the default" if value == default else f"  # default: {_toml_value(default)}"
            lines.append(f"{setting.name} = {_toml_value(value)}{note}")
    return "\n".join(lines) + "\n"


def _type_name(value: Any) -> str:
    return "list" if isinstance(value, tuple) else type(value).__name__


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return str(value)


def _error_line(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 0


def _line_of(text: str, key: str, section: str | None = None) -> int:
    """The line where ``key`` is set (in ``[section]`` when given), else 0."""
    in_section = section is None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            header = stripped.strip("[]").strip()
            if section is None and header == key:
                return number
            in_section = header == section
            continue
        if in_section and re.match(rf"{re.escape(key)}\s*=", stripped):
            return number
    return 0
