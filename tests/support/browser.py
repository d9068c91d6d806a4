"""A real headless Chromium driven by Selenium, for the operator's and the fleet's pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="chromium and chromedriver are not installed (.ci/run installs them)",
)


@pytest.fixture
def browser(tmp_path: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    # the pages' people read French: the browser says so (pages that follow Accept-Language)
    options.add_experimental_option("prefs", {"intl.accept_languages": "fr-FR,fr"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


# Reading a page that redraws itself (the operator's, the fleet's) or that a form is
# replacing (the studio's): an element found, then read, may have left the page between the
# two calls. Chromium says so as a StaleElementReference, or, during a navigation, as an
# "unknown error: Node with given id does not belong to the document" (CI run on stop 36).
# Every read below is one script, atomic in the page, and holds no element between calls.
_TEXTS = "return [...document.querySelectorAll(arguments[0])].map(e => e.innerText)"
_ATTRIBUTES = (
    "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))"
)


# what Chromium says when a script ran into a page being replaced (a form's answer loading)
_REPLACED = ("does not belong to the document", "context was destroyed", "Cannot find context")


def _script(driver, script: str, *args):
    """Run ``script``; None while the page is being replaced, any other error raised."""
    from selenium.common.exceptions import WebDriverException

    try:
        return driver.execute_script(script, *args)
    except WebDriverException as error:
        if any(said in str(error.msg) for said in _REPLACED):
            return None
        raise


def shown_all(driver, css: str) -> list[str]:
    """The text of every element ``css`` matches, read in one script."""
    return list(_script(driver, _TEXTS, css) or [])


def shown(driver, css: str) -> str | None:
    """The text of the first element ``css`` matches (None when there is none)."""
    found = shown_all(driver, css)
    return found[0] if found else None


def attributes(driver, css: str, name: str) -> list[str | None]:
    """Attribute ``name`` of every element ``css`` matches, read in one script."""
    return list(_script(driver, _ATTRIBUTES, css, name) or [])


def click(driver, css: str) -> None:
    """Click the first element ``css`` matches, found and clicked in one script."""
    assert driver.execute_script(
        "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e", css
    ), f"nothing matches {css}"


def waiting(driver, seconds: float = 20):
    """A WebDriverWait that goes on through a page being replaced under it (a navigation
    that has not finished, an element redrawn), and fails on anything else."""
    from selenium.common.exceptions import JavascriptException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(
        driver, seconds, ignored_exceptions=(StaleElementReferenceException, JavascriptException)
    )
