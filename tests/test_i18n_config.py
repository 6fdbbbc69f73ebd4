"""Text per language in status.yml: titles, descriptions and names in each language, an untranslated name
marked as Indonesian, invalid ``languages`` and ``help`` with their exact messages, a one-language site, the
first language at the root.
"""

from __future__ import annotations

import feedparser
import pytest

from tests.i18nkit import CODES, PREFIXES, SMALL, Cli, MakeSite, build, check_errors, main_of, page

# --- Localized text in status.yml --------------------------------------------------------------------------------


def test_each_language_shows_its_own_title_description_and_names(make_site: MakeSite, cli: Cli) -> None:
    site = make_site(
        "title: {id: Status Uji, en: Test Status}\n"
        "description:\n  id: Halaman untuk pengujian.\n  en: A page for testing.\n"
        "base_url: https://example.github.io/status/\nhistory_start: 2021-09-01\n"
        "components:\n  - id: listrik\n    name: {id: Listrik, en: Power}\n"
    )
    build(cli, site)
    for code, title, description, name in [
        ("id", "Status Uji", "Halaman untuk pengujian.", "Listrik"),
        ("en", "Test Status", "A page for testing.", "Power"),
    ]:
        index = page(site.out, PREFIXES[code] + "index.html")
        assert index.one("title").text() == title
        assert index.one("meta", name="description").attrs["content"] == description
        assert index.one("meta", property="og:site_name").attrs["content"] == title
        assert main_of(index).languages_of(title) == [code]  # the hidden h1, in the page's own language
        assert main_of(index).languages_of(description) == [code]
        component = page(site.out, PREFIXES[code] + "components/listrik/index.html")
        assert component.one("h1").words() == name
        assert component.one("h1").lang() == code
        feed = feedparser.parse(site.file(PREFIXES[code] + "feed.xml"))
        assert feed.feed.title == title
    english = site.file("en/index.html") + site.file("en/components/listrik/index.html")
    assert "Status Uji" not in english and "Listrik" not in english
    indonesian = site.file("index.html") + site.file("components/listrik/index.html")
    assert "Test Status" not in indonesian and "Power" not in indonesian


def test_an_untranslated_name_on_the_english_page_is_marked_as_indonesian(make_site: MakeSite, cli: Cli) -> None:
    site = make_site(SMALL)
    build(cli, site)
    english = page(site.out, "en/components/spse/index.html")
    assert english.one("h1").one("span").attrs == {"lang": "id"}
    assert english.one("h1").words() == "SPSE Kalsel"
    assert page(site.out, "components/spse/index.html").one("h1").find_all("span") == []


CONFIG_TAIL = "base_url: https://example.github.io/s/\ncomponents:\n  - id: spse\n"
HELP_HEAD = "title: T\nbase_url: https://example.github.io/s/\nhelp:\n"
HELP_COMPONENTS = (
    "components:\n  - id: spse\n    url: https://spse.example.org/\n    probe: {url: https://spse.example.org/}\n"
    "  - id: sikap\n  - id: sirup\n    url: https://sirup.example.org/\n"
    "  - id: lama\n    url: http://lama.example.org/\n    probe: {url: http://lama.example.org/}\n"
)

CONFIG_CASES = [
    (
        "a localized title without the default language",
        "title:\n  en: Test\n" + CONFIG_TAIL,
        # The mapping under 'title:' starts on line 2.
        "2: title: missing required key 'id': add a line like 'id: Status Layanan LPSE'",
    ),
    (
        "a localized title in flow style without the default language",
        "title: {en: Test}\n" + CONFIG_TAIL,
        "1: title: missing required key 'id': add a line like 'id: Status Layanan LPSE'",
    ),
    (
        "a language the site does not have",
        "title: {id: Uji, fr: Essai}\n" + CONFIG_TAIL,
        "1: title: 'fr' is not one of the site's languages (id, en): add it to 'languages' or remove it.",
    ),
    (
        "a misspelt language code on its own line",
        "title:\n  id: Uji\n  end: Test\n" + CONFIG_TAIL,
        "3: title: 'end' is not one of the site's languages (id, en): add it to 'languages' or remove it. "
        "Did you mean 'en'?",
    ),
    (
        "English text on a site in Bahasa Indonesia only",
        "languages: [id]\ntitle: T\n" + CONFIG_TAIL + "    name: {id: SPSE, en: SPSE}\n",
        "6: component 1: name: 'en' is not one of the site's languages (id): add it to 'languages' or remove it.",
    ),
    (
        "a language without a catalogue",
        "title: T\nlanguages: [id, fr]\n" + CONFIG_TAIL,
        f"2: no message catalogue for language 'fr' (available: {', '.join(CODES)}): use one of them, "
        "or add templates/locales/fr.yml.",
    ),
    (
        "a misspelt language",
        "title: T\nlanguages: [ind]\n" + CONFIG_TAIL,
        f"2: no message catalogue for language 'ind' (available: {', '.join(CODES)}): use one of them, "
        "or add templates/locales/ind.yml. Did you mean 'id'?",
    ),
    (
        "a language listed twice",
        "title: T\nlanguages:\n  - id\n  - en\n  - id\n" + CONFIG_TAIL,
        "5: language 'id' is listed twice: remove one",
    ),
    (
        "no language",
        "title: T\nlanguages: []\n" + CONFIG_TAIL,
        "2: 'languages' is empty: list at least one, e.g. 'languages: [id, en]'",
    ),
    (
        "help: check naming a misspelt component",
        HELP_HEAD + "  check: [spes]\n" + HELP_COMPONENTS,
        "4: help: check: unknown component 'spes': the browser check needs a probed component with an https "
        "'url' (candidates: spse). Did you mean 'spse'?",
    ),
    (
        "help: check naming an unknown component in a block list",
        HELP_HEAD + "  check:\n    - spse\n    - nope\n" + HELP_COMPONENTS,
        "6: help: check: unknown component 'nope': the browser check needs a probed component with an https "
        "'url' (candidates: spse).",
    ),
    (
        "help: check naming a component without an address",
        HELP_HEAD + "  check: [sikap]\n" + HELP_COMPONENTS,
        "4: help: check: component 'sikap' has no 'url': the browser check needs a probed component with an "
        "https 'url' (candidates: spse).",
    ),
    (
        "help: check naming a component without a probe",
        HELP_HEAD + "  check: [sirup]\n" + HELP_COMPONENTS,
        "4: help: check: component 'sirup' has no 'probe', so there is nothing to compare the visitor's view "
        "with: the browser check needs a probed component with an https 'url' (candidates: spse).",
    ),
    (
        "help: check naming an http address on an https site",
        HELP_HEAD + "  check: [lama]\n" + HELP_COMPONENTS,
        "4: help: check: component 'lama' has an http:// url, which a browser will not fetch from an https page: "
        "the browser check needs a probed component with an https 'url' (candidates: spse).",
    ),
    (
        "a helpdesk phone without digits",
        HELP_HEAD + "  helpdesk:\n    phone: call us\n" + HELP_COMPONENTS,
        "5: help: helpdesk: phone 'call us' must be a number: digits, spaces, '+', '-', '(' and ')' only",
    ),
    (
        "a helpdesk e-mail that would add mail headers",
        HELP_HEAD + "  helpdesk:\n    email: a@b.co?subject=x\n" + HELP_COMPONENTS,
        "5: help: helpdesk: email 'a@b.co?subject=x' is not an e-mail address such as 'helpdesk@example.go.id'",
    ),
    (
        "a helpdesk e-mail that is not an address",
        HELP_HEAD + "  helpdesk:\n    email: not-an-email\n" + HELP_COMPONENTS,
        "5: help: helpdesk: email 'not-an-email' is not an e-mail address such as 'helpdesk@example.go.id'",
    ),
    (
        "helpdesk hours in English only",
        HELP_HEAD + "  helpdesk:\n    hours: {en: 'Monday–Friday'}\n" + HELP_COMPONENTS,
        "5: help: helpdesk: hours: missing required key 'id': add a line like 'id: ...'",
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_invalid_languages_and_help_get_their_exact_message(
    make_site: MakeSite, cli: Cli, case: str, text: str, expected: str
) -> None:
    site = make_site(text)
    lines = check_errors(cli, site)
    assert f"{site.config}:{expected}" in lines, "\n".join(lines)
    assert lines[-1] == "1 error, 0 warnings; nothing was written."


def test_a_site_in_one_language_has_no_english_pages_and_no_switch(make_site: MakeSite, cli: Cli) -> None:
    site = make_site("languages: [id]\n" + SMALL)
    build(cli, site)
    assert not (site.out / "en").exists()
    for relative in ["index.html", "history/index.html", "components/spse/index.html", "404.html"]:
        document = page(site.out, relative)
        assert document.one("nav").find_all("a", hreflang="en") == []
        assert [link.attrs["hreflang"] for link in document.find_all("link", hreflang="en")] == []
        assert document.find_all("meta", property="og:locale:alternate") == []
    assert [section.attrs["lang"] for section in page(site.out, "404.html").find_all("section")] == ["id"]
    assert "/en/" not in site.file("sitemap.xml")


def test_the_first_language_is_the_one_at_the_root(make_site: MakeSite, cli: Cli) -> None:
    site = make_site("languages: [en, id]\n" + SMALL)
    build(cli, site)
    assert page(site.out, "index.html").one("html").attrs["lang"] == "en"
    assert page(site.out, "id/index.html").one("html").attrs["lang"] == "id"
    assert not (site.out / "en").exists()
    default = page(site.out, "id/history/index.html").one("link", hreflang="x-default")
    assert default.attrs["href"] == "https://example.github.io/status/history/"
