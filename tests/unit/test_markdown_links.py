"""Links in a narrow detail panel: an address that fits a line is never cut, and no line
starts with a lone ``)`` (review L8: at 120 columns with the sidebar, the panel is about as
wide as an arXiv address, and ``(https://arxiv.org/abs/2609.00012`` / ``) · PDF`` was drawn)."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.style import Style

from tui.core.models import DigestRef, Paper
from tui.widgets.markdown_view import _Document
from tui.widgets.paper_document import paper_markdown

PAPER = Paper(id="2609.00012", version=1, title="A title", authors=["Mark Down"], published="2026-09-01",
              pdf_url="https://arxiv.org/pdf/2609.00012v1", digests=[DigestRef("cs.XX", "2026-09-01")])
ABS, PDF = "https://arxiv.org/abs/2609.00012", "https://arxiv.org/pdf/2609.00012v1"


def _lines(source: str, width: int) -> list[str]:
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(_Document(source, Style()))
    return [line.rstrip() for line in console.export_text().splitlines()]


@pytest.mark.parametrize("width", range(24, 72))
def test_no_line_starts_with_the_end_of_a_link(width: int) -> None:
    lines = _lines(paper_markdown(PAPER), width)
    assert not [line for line in lines if line.lstrip().startswith(")") or line.lstrip() == "v1)"], lines
    shown = "\n".join(lines)
    for address in (ABS, PDF):
        if len(address) <= width:  # an address that fits a line is on one line, whole
            assert address in shown, (width, lines)


def test_a_wide_panel_draws_links_as_before() -> None:
    lines = _lines(paper_markdown(PAPER), 120)
    assert f"Links: arXiv:2609.00012v1 ({ABS}) · PDF ({PDF})" in lines


def test_an_address_wider_than_the_line_breaks_after_a_slash() -> None:
    lines = _lines(paper_markdown(PAPER), 28)
    assert "https://arxiv.org/abs/" in lines and any(line.startswith("2609.00012") for line in lines)
