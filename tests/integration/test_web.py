"""The operator's page in a real headless Chromium: it refreshes the screenshot, its buttons
and the urgent-message form drive a real player process."""

from __future__ import annotations

import io
import time
import urllib.request
from pathlib import Path

from PIL import Image

from tests.support.browser import attributes, needs_browser, shown, shown_all, waiting
from tests.support.content import write_content
from tests.support.images import accent_share
from tests.support.process import PlayerProcess

pytestmark = needs_browser

TOKEN = "web-page-token-for-tests-0123456789"


def screenshot(port: int) -> Image.Image:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/screenshot.png", timeout=5) as response:
        return Image.open(io.BytesIO(response.read())).convert("RGB")


def test_operator_page(browser, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    content = tmp_path / "content"
    write_content(
        content,
        {
            "p.yaml": "name: P\nslides:\n  - {type: text, id: un, title: Un, duration: 600}\n"
            "  - {type: text, id: deux, title: Deux, duration: 600}\n"
        },
        'header: false\ncolours: {background: "#1e3cc8", accent: "#ff8c28"}\n',
    )
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN)
    player = PlayerProcess([str(content), "--screen", "hall", "--token-file", str(token_file)])
    try:
        browser.get(f"http://127.0.0.1:{player.port}/")
        # the page draws its lists again every 2 s: what it shows is read in one script each
        wait = waiting(browser, 20)
        wait.until(lambda d: shown(d, "#screen") == "hall")
        # the health of every background part, from /status
        wait.until(lambda d: shown(d, "#health li[data-part=render]"))
        parts = set(attributes(browser, "#health li", "data-part"))
        assert {"render", "prepare", "content-folder", "plays", "control"} <= parts
        assert all("✓" in said for said in shown_all(browser, "#health li"))
        # said as an operator says it: the parts by their names, the time as a date
        assert shown(browser, "#health li[data-part=render]") == "✓ Affichage"
        wait.until(lambda d: shown(d, "#now") not in (None, "", "—"))
        assert "T" not in shown(browser, "#now")  # not 2026-12-07T23:53:18…
        # the screenshot refreshes by itself
        first = browser.find_element(By.ID, "shot").get_attribute("src")
        wait.until(lambda d: d.find_element(By.ID, "shot").get_attribute("src") != first)
        # sign-in first: the token's field is the page's first section
        assert browser.find_element(By.CSS_SELECTOR, "main section").get_attribute("id") == "signin"
        # without the token, a command is refused and says so, in French, at the field
        browser.find_element(By.ID, "next").click()
        wait.until(lambda d: "Jeton manquant ou refusé" in shown(d, "#feedback"))
        assert "bearer" not in shown(browser, "#feedback")
        assert browser.switch_to.active_element.get_attribute("id") == "token"
        assert player.status()["slide"]["id"] == "un"
        # touch targets of a phone
        assert all(b.size["height"] >= 44 for b in browser.find_elements(By.TAG_NAME, "button")
                   if b.is_displayed())  # fmt: skip
        # with it, the button moves the player on
        token = browser.find_element(By.ID, "token")
        token.send_keys(TOKEN)
        browser.execute_script("arguments[0].dispatchEvent(new Event('change'))", token)
        browser.find_element(By.ID, "next").click()
        player.wait_for(lambda s: s["slide"]["id"] == "deux")
        # an urgent message: it appears on the player's own screenshot, then expires
        browser.find_element(By.ID, "text").send_keys("Évacuation : sortie B")
        Select(browser.find_element(By.ID, "style")).select_by_value("fullscreen")
        minutes = browser.find_element(By.ID, "minutes")
        minutes.clear()
        minutes.send_keys("0.1")  # six seconds
        browser.find_element(By.ID, "send").click()
        player.wait_for(lambda s: s["message"] is not None)
        deadline = time.monotonic() + 15
        while accent_share(screenshot(player.port)) < 0.6:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        wait.until(lambda d: "Évacuation" in shown(d, "#current-message"))
        browser.save_screenshot(str(tmp_path / "page.png"))
        player.wait_for(lambda s: s["message"] is None, timeout=20)
        deadline = time.monotonic() + 15
        while accent_share(screenshot(player.port)) > 0.05:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        wait.until(lambda d: shown(d, "#current-message") == "")
    finally:
        log = player.stop()
    assert "Traceback" not in log
