"""The footer's keys never overlap: below 120 columns the palette key follows the others
instead of being docked over the last ones (Textual docks it right)."""

from __future__ import annotations

import pytest
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


def _shown(footer: Footer) -> list[FooterKey]:
    return [key for key in footer.query(FooterKey) if key.display and key.region.width]


async def test_every_footer_key_is_drawn_whole_at_80_columns(make_app):
    """At 80x24 Textual cut the last key ("L Lis"): the footer held more than fits."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause(0.2)
        footer = app.screen.query_one(Footer)
        keys = _shown(footer)
        assert keys and all(key.region.right <= footer.region.right for key in keys), \
            [(key.description, key.region) for key in keys]
        assert footer.virtual_size.width <= footer.size.width
        shown = {key.key for key in keys}
        assert {"s", "left_square_bracket", "right_square_bracket", "Y", "t", "N", "L", "question_mark"} <= shown


async def test_keys_left_out_of_the_narrow_footer_stay_bound_and_in_the_wide_one(make_app):
    from tui.commands import WIDE_ONLY, MainCommands

    assert WIDE_ONLY == {"focus_filter", "quit"}
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.pause(0.2)
        footer = app.screen.query_one(Footer)
        assert not {"slash", "q"} & {key.key for key in _shown(footer)}
        assert {"slash", "q"} <= set(app.screen.active_bindings)
        actions = {command.action for command, _node, _key in MainCommands(app.screen)._commands()}
        assert WIDE_ONLY <= actions  # (the palette offers them; the help lists every command)
        await pilot.resize_terminal(120, 35)
        await pilot.pause(0.2)
        assert {"slash", "q"} <= {key.key for key in _shown(app.screen.query_one(Footer))}


async def test_while_typing_a_query_the_footer_says_how_to_leave_the_filter(make_app):
    """The footer showed "/ Filter" (a slash is typed there: Textual 8.2 does not know "slash"
    is a character) and nothing about Enter and Escape."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("slash")
        await pilot.pause(0.2)
        keys = {key.key: key.description for key in _shown(app.screen.query_one(Footer))}
        assert keys.get("enter") == "List" and "slash" not in keys
        await pilot.press("slash", "x")
        assert app.screen.filter_bar.input.value == "/x"
        await pilot.press("enter")
        await pilot.pause(0.2)
        keys = {key.key: key.description for key in _shown(app.screen.query_one(Footer))}
        assert keys.get("slash") == "Filter" and keys.get("enter") == "Read"


async def test_in_the_sidebar_the_footer_names_enter_for_what_it_does_there(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("L")
        await pilot.pause(0.2)
        footer = app.screen.query_one(Footer)
        keys = {key.key: key.description for key in _shown(footer)}
        assert keys.get("enter") == "Apply"
        assert all(key.region.right <= footer.region.right for key in _shown(footer))


def _footer_keys(app) -> dict[str, str]:
    """The keys the bottom line shows: the footer of the screen on top (a dialog's own when it has one)."""
    footers = list(app.screen.query(Footer))
    assert footers, f"{type(app.screen).__name__} shows the footer of the screen beneath"
    return {key.key: key.description for key in _shown(footers[0])}


@pytest.mark.parametrize(("keys", "wanted"), [
    (["N"], {"ctrl+s", "escape"}),
    (["t"], {"enter", "escape"}),
    (["Y"], {"escape"}),
    (["A"], {"y", "n"}),
    (["slash", "a", "enter", "at"], {"enter", "escape"}),
    (["question_mark"], {"escape"}),
])
async def test_under_a_dialog_the_footer_shows_its_keys_not_the_lists(make_app, no_editor, keys, wanted):
    """Under the note editor the footer still said ``q Quit`` while q typed a q."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press(*keys)
        await pilot.pause(0.2)
        assert app.screen is not app.main_screen
        shown = _footer_keys(app)
        assert wanted <= set(shown), shown
        assert not {"q", "s", "slash", "L", "N"} & set(shown), shown
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.screen is app.main_screen and "q" in _footer_keys(app)
