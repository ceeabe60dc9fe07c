"""The reader's own options are checked like the subcommands' (``serve --mark-read-delay``):
a delay that is not a finite number of seconds, 0 or more, is a usage error (exit 2) before
any terminal is needed, not a silently disabled timer."""

from __future__ import annotations

import pytest

from tui.cli_args import build_reader_parser


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "soon"])
def test_a_mark_read_delay_that_is_no_number_of_seconds_is_refused(value: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_reader_parser().parse_args(["--mark-read-delay", value])
    assert stopped.value.code == 2
    assert "--mark-read-delay" in capsys.readouterr().err


@pytest.mark.parametrize(("value", "seconds"), [("0", 0.0), ("1.5", 1.5), ("3", 3.0)])
def test_a_mark_read_delay_in_seconds_is_taken(value: str, seconds: float) -> None:
    assert build_reader_parser().parse_args(["--mark-read-delay", value]).mark_read_delay == seconds
