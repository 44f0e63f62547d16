"""No page of the built site logs an error in the browser's console, nor raises one, opened
from the files at desktop and phone width (Debian's chromium driven by Playwright)."""
import pytest

from test_browser import DESKTOP, PAGES, PHONE, browser, open_page, page_id  # noqa: F401


@pytest.fixture(scope="module")
def errors(browser):  # noqa: F811 (the fixture imported above)
    """Each page's console errors and uncaught exceptions, at both widths, one window each."""
    seen = {}
    for width in (DESKTOP, PHONE):
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = context.new_page()
        found: list[str] = []
        tab.on("console", lambda m, found=found: m.type == "error"
               and found.append(f"console: {m.text}"))
        tab.on("pageerror", lambda e, found=found: found.append(f"exception: {e}"))
        for path in PAGES:
            found.clear()
            open_page(tab, path)
            tab.wait_for_timeout(100)  # scripts deferred to after load
            seen.setdefault(path, []).extend(f"{width} px {e}" for e in found)
        context.close()
    return seen


@pytest.mark.parametrize("path", PAGES, ids=page_id)
def test_no_console_error(errors, path):
    assert errors[path] == []
