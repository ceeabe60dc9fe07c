"""Seen at a glance: the cursor row's contrast, marks on it, toasts, a steady detail panel.

Colours are read from what the screen draws (the compositor's strips, after
Textual resolved the theme), and the contrast is WCAG's:
(L1 + 0.05) / (L2 + 0.05) of the relative luminances.
"""

from __future__ import annotations

from rich.color import Color as RichColor
from rich.segment import Segment

from tui.screens.main import MainScreen
from ui_helpers import SIZE, settle, wait_loaded

MINIMUM = 4.5  # WCAG AA for normal text


def luminance(color: RichColor) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = color.get_truecolor()
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(one: RichColor, two: RichColor) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def cursor_row(app, screen: MainScreen) -> list[Segment]:
    """The segments of the cursor's line as drawn on the screen."""
    papers = screen.paper_list
    region = papers.content_region
    y = region.y + papers.row_of(papers.cursor) - round(papers.scroll_y)
    return list(app.screen._compositor.render_strips()[y].crop(region.x, region.right))


def text_contrasts(segments: list[Segment]) -> list[tuple[str, float]]:
    """(text, contrast) for every segment with visible characters."""
    found = []
    for text, style, _ in segments:
        if text.strip():
            assert style is not None and style.color is not None and style.bgcolor is not None, text
            found.append((text, contrast(style.color, style.bgcolor)))
    return found


async def test_the_theme_gives_the_cursor_row_enough_contrast(make_app):
    """Default theme: the cursor's colours, from the theme's variables, contrast 4.5:1 or more."""
    from textual.color import Color

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(app, pilot)
        variables = app.get_css_variables()
        background = Color.parse(variables["primary-darken-3"])
        for name in ("foreground", "text-warning", "text-success"):  # text, star and match, mark
            color = Color.parse(variables[name])
            assert contrast(color.rich_color, background.rich_color) >= MINIMUM, name


async def test_every_piece_of_the_cursor_row_reads_well(make_app):
    """Unread, starred, marked, a query match: each piece of the drawn cursor row is >= 4.5:1."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _loaded(app, pilot)
        first = screen.paper_list.highlighted
        word = first.title.split()[0]
        await pilot.press("s", "space", "k")  # star, mark (moves down), back up
        await pilot.press("slash", *word, "enter")
        await settle(app, pilot)
        assert screen.paper_list.highlighted is first
        segments = cursor_row(app, screen)
        text = "".join(segment.text for segment in segments)
        assert text.startswith("▸●★ "), text  # every marker there, as a character
        pieces = text_contrasts(segments)
        assert {"▸", "★"} <= {piece for piece, _ in pieces}
        low = [(piece, round(ratio, 2)) for piece, ratio in pieces if ratio < MINIMUM]
        assert low == [], low
        # A read paper on the cursor: still readable (not the muted grey of read rows).
        await pilot.press("m")
        await settle(app, pilot)
        low = [(piece, round(ratio, 2)) for piece, ratio in text_contrasts(cursor_row(app, screen)) if ratio < MINIMUM]
        assert low == [], low
        # The list without the focus (the filter has it): the cursor row still reads well.
        await pilot.press("slash")
        await settle(app, pilot)
        low = [(piece, round(ratio, 2)) for piece, ratio in text_contrasts(cursor_row(app, screen)) if ratio < MINIMUM]
        assert low == [], low


async def test_no_color_draws_the_cursor_row_in_reverse(make_app, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _loaded(app, pilot)
        await pilot.press("s")
        segments = cursor_row(app, screen)
        assert all(style is not None and style.reverse for text, style, _ in segments if text.strip())
        text = "".join(segment.text for segment in segments)
        assert text.startswith(" ●★ "), text  # the marks are characters, colour or not
        papers = screen.paper_list
        other = papers.render_line(papers.row_of(1) - round(papers.scroll_y))
        assert not any(segment.style and segment.style.reverse for segment in other)


async def test_notifications_never_cover_the_status_counts(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await _loaded(app, pilot)
        for number in range(3):
            app.notify(f"A long notification number {number} that takes room " * 2, timeout=30)
        await pilot.pause(0.3)
        status = screen.query_one("#status").region
        toasts = [toast.region for toast in screen.query("Toast")]
        assert toasts
        assert all(not toast.overlaps(status) for toast in toasts), (status, toasts)


async def test_the_detail_does_not_move_when_the_paper_becomes_read(make_app):
    app = make_app()
    async with app.run_test(size=(80, 30)) as pilot:
        screen = await _loaded(app, pilot)
        detail = screen.detail
        lines = detail.line_count
        await pilot.press("ctrl+d")  # scrolled into the abstract
        await settle(app, pilot)
        top = detail.scroll_y
        assert top > 0
        source = detail.source
        await pilot.press("m")  # read now
        await settle(app, pilot)
        assert detail.source != source and "· read" in detail.source
        assert detail.line_count == lines
        assert detail.scroll_y == top
        await pilot.press("s")  # starred: same
        await settle(app, pilot)
        assert detail.line_count == lines and detail.scroll_y == top


async def _loaded(app, pilot) -> MainScreen:
    await wait_loaded(app, pilot)
    screen = app.screen
    assert isinstance(screen, MainScreen)
    return screen


def test_a_narrow_status_line_keeps_the_counts_the_view_and_the_day():
    from tui.widgets.status_line import status_text

    values = dict(shown=9, total=2770, unread=8, new=9, starred=1, day="2026-07-31", view="unread", marked=2,
                  marked_hidden=1)
    full = status_text(None, **values)
    assert full == ("9 of 2,770 papers · unread only · day Fri 2026-07-31 · 9 new · 8 unread · 1 starred · "
                    "2 marked (1 hidden by the filter) · by date · Esc: every day")
    for width in (78, 100, 120):
        fitted = status_text(width, **values)
        assert len(fitted) <= width and not fitted.endswith("…"), fitted
        assert "unread only" in fitted and ("2026-07-31" in fitted or "Fri 07-31" in fitted)
        assert all(count in fitted for count in ("9 new", "8 unread", "2 marked", "1 hidden"))
    assert status_text(78, **values) == "9/2,770 · unread only · Fri 07-31 · 9 new · 8 unread · 1★ · 2 marked, 1 hidden"
    # Cold review C5 at 80 columns: the view and the day are there, whatever is cut at the end.
    c5 = status_text(78, shown=112, total=3069, unread=112, new=0, starred=1, day="2026-07-18", view="unread",
                     marked=1, marked_hidden=1)
    # The marks are no longer cut at the end: "112 unread" goes first (the unread view of 112 says it).
    assert c5 == "112/3,069 · unread only · Sat 07-18 · 0 new · 1★ · 1 marked, 1 hidden"
    big = status_text(78, shown=1157, total=200406, unread=1157, starred=10, new=1157, view="unread",
                      day="2026-07-02", marked=1003, marked_hidden=1002)
    assert len(big) <= 78 and not big.endswith("…"), big
    assert all(part in big for part in ("1,157/200,406", "unread", "Thu 07-02", "10★", "1,003 marked", "1,002 hid"))
    assert status_text(40, **values).startswith("9/2,770 · unread only · Fri 07-31")  # too narrow: cut at the end
