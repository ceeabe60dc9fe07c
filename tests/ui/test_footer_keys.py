"""The footer's keys never overlap: below 120 columns the palette key follows the others
instead of being docked over the last ones (Textual docks it right)."""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from ui_helpers import wait_loaded


def _overlapping(footer: Footer) -> list[tuple[str, str]]:
    keys = [key for key in footer.query(FooterKey) if key.display]
    shown = [(key.description, key.region) for key in keys]
    return [(a, b) for i, (a, ra) in enumerate(shown) for b, rb in shown[i + 1:] if ra.overlaps(rb)]


async def test_no_key_is_drawn_over_another_at_80_columns(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause(0.2)
        footer = app.screen.query_one(Footer)
        assert [k for k in footer.query(FooterKey) if k.has_class("-command-palette")]
        assert _overlapping(footer) == []


async def test_the_palette_key_stays_docked_right_when_everything_fits(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause(0.2)
        footer = app.screen.query_one(Footer)
        palette = next(k for k in footer.query(FooterKey) if k.has_class("-command-palette"))
        assert palette.region.right == footer.region.right
        assert _overlapping(footer) == []
