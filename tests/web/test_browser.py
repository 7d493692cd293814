"""Real-browser tests with Debian's chromium: the main flows, and axe-core on every page."""

from collections.abc import Iterator

import pytest

from tests.web.browser import ServerThread, axe_violations, launch_chromium, new_context, screenshot
from tests.web.conftest import PASSWORD

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed in the venv")

PAGES = {"overzicht": "/", "lijst": "/drempels", "zoeken": "/drempels?q=handtekening&status=opgelost",
         "drempel": "/drempels/DR-2022-001", "nieuw": "/drempels/nieuw", "bewerken": "/drempels/DR-2022-001/bewerken",
         "regelgeving": "/regelgeving", "regeling": "/regelgeving/AVG", "artikel": "/regelgeving/AVG/artikels/6",
         "projecten": "/projecten", "project": "/projecten/GZG-2022-001", "gemeenten": "/gemeenten",
         "gemeente": "/gemeenten/44021", "importeren": "/importeren", "gebruikers": "/gebruikers",
         "profiel": "/profiel", "niet-gevonden": "/drempels/BESTAAT-NIET"}


@pytest.fixture(scope="module")
def browser_env(site) -> Iterator[tuple]:
    with ServerThread(site.app) as server, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield server, browser
        browser.close()


def open_page(browser):
    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def log_in(page, base: str, role: str) -> None:
    page.goto(base + "/aanmelden")
    page.get_by_label("Gebruikersnaam").fill(role)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(base + "/")


def assert_accessible(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{name}: {violations}"


def test_every_page_passes_axe(browser_env):
    server, browser = browser_env
    context, page = open_page(browser)
    page.goto(server.url + "/aanmelden")
    assert_accessible(page, "aanmelden")
    screenshot(page, "aanmelden")
    log_in(page, server.url, "beheerder")
    for name, url in PAGES.items():
        page.goto(server.url + url)
        assert_accessible(page, name)
        screenshot(page, name)
    context.close()


def test_jurist_logs_a_barrier_and_sees_the_duplicate_warning(browser_env, site):
    server, browser = browser_env
    context, page = open_page(browser)
    log_in(page, server.url, "jurist")
    page.get_by_role("link", name="Drempel melden").click()
    original = site.api("lezer").get("/api/barriers/DR-2022-002").json()["barrier"]
    page.get_by_label("Titel").fill(original["title"])
    page.get_by_label("Beschrijving").fill(original["description"][:400] + " Zie art. 285 DLB.")
    warning = page.locator("#dubbels .duplicate-warning")
    warning.wait_for()
    assert "DR-2022-002" in warning.inner_text() and "kans op dubbel" in warning.inner_text()
    page.locator("#citaten").get_by_role("link", name="art. 285 DLB").wait_for()
    assert_accessible(page, "nieuw met waarschuwing")
    screenshot(page, "nieuw-dubbel")
    page.get_by_label("Code").fill("DR-2032-001")
    page.get_by_label("Soort drempel").select_option("procesmatig")
    page.get_by_role("button", name="Drempel bewaren").click()
    page.locator("#dubbel-bevestiging").wait_for()  # the server asks to confirm it is a different barrier
    page.get_by_label("Ik heb deze drempels bekeken").check()
    page.get_by_role("button", name="Drempel bewaren").click()
    page.wait_for_url("**/drempels/DR-2032-001?bewaard=1")
    assert "De drempel werd bewaard" in page.content()
    context.close()


def test_search_filter_by_facet_and_open_the_barrier(browser_env):
    server, browser = browser_env
    context, page = open_page(browser)
    log_in(page, server.url, "lezer")
    page.get_by_role("link", name="Drempels", exact=True).click()
    page.get_by_label("Zoeken in het register").fill("handtekening")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/drempels?q=handtekening*")
    before = page.locator("li.hit").count()
    page.locator(".facet", has_text="Status").get_by_role("link", name="Opgelost").click()
    page.wait_for_url("**status=opgelost*")
    after = page.locator("li.hit")
    assert 0 < after.count() < before
    assert all("Opgelost" in after.nth(i).inner_text() for i in range(after.count()))
    screenshot(page, "gefilterd")
    first = after.first.get_by_role("link").first
    title = first.inner_text()
    first.click()
    assert page.get_by_role("heading", level=1).inner_text() == title
    context.close()


def test_programme_team_changes_status_and_sees_history(browser_env):
    server, browser = browser_env
    context, page = open_page(browser)
    log_in(page, server.url, "programmateam")
    page.goto(server.url + "/drempels/DR-2022-006")
    page.get_by_label("Nieuwe status").select_option("in-analyse")
    page.get_by_label("Toelichting").fill("Juridische dienst bekijkt de interpretatie")
    page.get_by_role("button", name="Status bewaren").click()
    page.wait_for_url("**/drempels/DR-2022-006?status=1*")
    history = page.locator("ol.timeline")
    assert "Juridische dienst bekijkt de interpretatie" in history.inner_text()
    assert "In analyse" in history.locator("li").first.inner_text()
    screenshot(page, "status-gewijzigd")
    context.close()


def test_import_csv_with_a_bad_row_shows_it_refused(browser_env, tmp_path):
    server, browser = browser_env
    csv = tmp_path / "drempels.csv"
    csv.write_text("code;title;description;kind\nDR-2032-100;Goede rij;Een goede beschrijving;technisch\n"
                   "DR-2032-101;Slechte rij;Met een onbekende soort;onbestaand\n", encoding="utf-8")
    context, page = open_page(browser)
    log_in(page, server.url, "programmateam")
    page.get_by_role("link", name="Importeren").click()
    page.get_by_label("Bestand").set_input_files(str(csv))
    page.get_by_role("button", name="Voorbeeld tonen").click()
    refused = page.locator("#geweigerd")
    refused.wait_for()
    assert "regel 3" in refused.inner_text() and "onbestaand" in refused.inner_text()
    assert_accessible(page, "importvoorbeeld")
    screenshot(page, "import-voorbeeld")
    page.get_by_role("button", name="Import bevestigen").click()
    assert "Er werd niets geschreven" in page.locator("#resultaat").locator("..").inner_text()
    context.close()


def test_no_page_scrolls_sideways_on_a_phone(browser_env):
    """At 400 px every page fits the width; a long source URL on a regulation page (AWB, Gemeentewet)
    used to push the page to 464 px."""
    server, browser = browser_env
    context, page = open_page(browser)
    log_in(page, server.url, "beheerder")
    page.set_viewport_size({"width": 400, "height": 900})
    too_wide = {}
    for name, url in {**PAGES, "regeling-awb": "/regelgeving/AWB", "regeling-gemw": "/regelgeving/GEMW"}.items():
        page.goto(server.url + url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 400:
            too_wide[name] = width
    context.close()
    assert not too_wide, too_wide


def test_on_a_phone_the_results_come_before_the_folded_filters(browser_env):
    """At 400 px the ten facet lists used to fill several screens before the first result; they now
    start folded (and open on a click), while a wide screen shows them open beside the results."""
    server, browser = browser_env
    context, page = open_page(browser)
    log_in(page, server.url, "lezer")
    url = server.url + "/drempels?q=handtekening&status=opgelost"
    page.goto(url)
    assert page.locator(".facet-panel").evaluate("d => d.open")
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(url)
    panel = page.locator(".facet-panel")
    assert not panel.evaluate("d => d.open")
    assert "1 actief" in panel.locator("summary").inner_text()
    assert page.locator(".hit").first.bounding_box()["y"] < 800
    panel.locator("summary").click()
    assert panel.evaluate("d => d.open") and page.get_by_role("link", name="Alle filters wissen").is_visible()
    assert not axe_violations(page)
    context.close()
