"""Dates, numbers and durations in words in each language, worked out by hand; the time zone's name or offset."""

from __future__ import annotations

import pickle
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from statusgen import i18n, times
from statusgen.i18n import Language, translated
from statusgen.model import Text
from tests.i18nkit import LOCALES, WITA

# --- Dates, numbers and durations in each language ---------------------------------------------------------------


@pytest.fixture(scope="module")
def lang() -> dict[str, Language]:
    return {language.code: language for language in i18n.languages(["id", "en"], LOCALES)}


def test_languages_know_where_their_pages_live(lang: dict[str, Language]) -> None:
    assert (lang["id"].prefix, lang["id"].default) == ("", "id")
    assert (lang["en"].prefix, lang["en"].default) == ("en/", "id")


def test_a_moment_in_words(lang: dict[str, Language]) -> None:
    moment = datetime(2021, 9, 19, 18, 33, tzinfo=WITA)  # 19 September 2021 was a Sunday: Minggu
    assert lang["id"].long_datetime(moment, WITA) == "Minggu, 19 September 2021 pukul 18.33 WITA"
    assert lang["en"].long_datetime(moment, WITA) == "Sunday, 19 September 2021 at 18:33 WITA"
    assert lang["id"].clock(moment, WITA) == "18.33 WITA"
    assert lang["en"].clock(moment, WITA) == "18:33 WITA"
    assert lang["id"].short_date(moment.date()) == "19 September 2021"
    assert lang["en"].month_year(2021, 2) == "February 2021"
    assert lang["id"].month_year(2021, 2) == "Februari 2021"


def test_a_moment_written_in_another_zone_is_told_in_wita(lang: dict[str, Language]) -> None:
    # 23:30 WIB (+07:00) is 16:30 UTC, which is 00:30 WITA (+08:00) the next day, a Monday.
    moment = times.parse_datetime("2021-09-19T23:30+07:00", WITA)
    assert lang["id"].long_datetime(moment, WITA) == "Senin, 20 September 2021 pukul 00.30 WITA"
    assert lang["en"].long_datetime(moment, WITA) == "Monday, 20 September 2021 at 00:30 WITA"
    assert lang["en"].long_date(moment.astimezone(WITA).date()) == "Monday, 20 September 2021"


def test_a_zone_without_a_name_is_told_by_its_offset(lang: dict[str, Language]) -> None:
    plus_eight = timezone(timedelta(hours=8))  # a fixed offset has no abbreviation such as WITA
    moment = datetime(2024, 2, 29, 7, 5, tzinfo=plus_eight)  # a leap day, a Thursday: Kamis
    assert lang["id"].long_datetime(moment, plus_eight) == "Kamis, 29 Februari 2024 pukul 07.05 UTC+08:00"
    assert lang["en"].long_datetime(moment, plus_eight) == "Thursday, 29 February 2024 at 07:05 UTC+08:00"


DURATIONS = [
    # seconds, exact, Bahasa Indonesia, English
    (0, False, "kurang dari 1 menit", "less than 1 minute"),
    (59, False, "kurang dari 1 menit", "less than 1 minute"),
    (60, False, "1 menit", "1 minute"),
    (119, False, "1 menit", "1 minute"),  # 1 min 59 s: minutes are counted whole, not rounded
    (120, False, "2 menit", "2 minutes"),
    (3600, False, "1 jam", "1 hour"),
    (90_000, False, "1 hari 1 jam", "1 day 1 hour"),  # 86 400 + 3 600
    (183_600, False, "2 hari 3 jam", "2 days 3 hours"),  # 2 × 86 400 + 3 × 3 600 = 172 800 + 10 800
    (52_020, False, "14 jam 27 menit", "14 hours 27 minutes"),  # 14 × 3 600 + 27 × 60 = 50 400 + 1 620
    (95_220, False, "1 hari 2 jam", "1 day 2 hours"),  # 86 400 + 7 200 + 1 620: two units at most, the rest dropped
    (95_220, True, "1 hari 2 jam 27 menit", "1 day 2 hours 27 minutes"),  # the same, exact to the minute
    (86_700, False, "1 hari 5 menit", "1 day 5 minutes"),  # 86 400 + 300: zero hours are not said
    (2 * 86_400, True, "2 hari", "2 days"),
]


@pytest.mark.parametrize(("seconds", "exact", "indonesian", "english"), DURATIONS)
def test_a_duration_in_words(
    lang: dict[str, Language], seconds: int, exact: bool, indonesian: str, english: str
) -> None:
    assert lang["id"].duration(seconds, exact=exact) == indonesian
    assert lang["en"].duration(seconds, exact=exact) == english


def test_counted_words(lang: dict[str, Language]) -> None:
    id_, en = lang["id"], lang["en"]
    assert [en.plural("history.records", n) for n in (0, 1, 2)] == ["0 records", "1 record", "2 records"]
    assert [id_.plural("history.records", n) for n in (0, 1, 2)] == ["0 catatan", "1 catatan", "2 catatan"]
    assert en.plural("sla.months_met", 1, met=1) == "1 of 1 month met"
    assert en.plural("sla.months_met", 12, met=11) == "11 of 12 months met"
    assert id_.plural("sla.months_met", 12, met=11) == "11 dari 12 bulan tercapai"
    assert en.plural("component.cert_valid", 1) == "The TLS certificate is valid for 1 more day."


def test_percent_and_decimals(lang: dict[str, Language]) -> None:
    assert lang["id"].percent(99.95) == "99,95%"
    assert lang["en"].percent(99.95) == "99.95%"
    assert lang["id"].percent(99.5, 3) == "99,500%"
    assert lang["en"].percent(100.0) == "100.00%"


def test_a_figure_written_once_is_written_alike_however_it_is_met_again(lang: dict[str, Language]) -> None:
    # Each figure is written once a build and then taken as written (Language.decimal): 0.0 and -0.0 are equal
    # as keys, but -0.0 is written with its sign, by Python as by the page before; 0 (an int) writes as 0.0.
    indonesian = lang["id"]
    assert [indonesian.decimal(v, 2) for v in (0.0, -0.0, 0, -0.0, 0.0)] == ["0,00", "-0,00", "0,00", "-0,00", "0,00"]
    assert [indonesian.decimal(99.95, p) for p in (2, 1, 2)] == ["99,95", "100,0", "99,95"]
    nan = float("nan")
    assert indonesian.decimal(nan, 2) == indonesian.decimal(nan, 2) == "nan"
    assert all(key[0] == key[0] for key in indonesian._decimals)  # a NaN is not kept: the cache would only grow
    assert lang["id"].percent(None) == lang["en"].percent(None) == "–"
    assert lang["id"].decimal(7.5, 1) == "7,5"


def test_short_weekday_names(lang: dict[str, Language]) -> None:
    assert lang["id"].names("names.weekdays_short") == ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
    assert lang["en"].names("names.weekdays_short") == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    sunday = date(2021, 9, 19).weekday()  # Monday is 0
    assert (lang["id"].names("names.weekdays_short")[sunday], lang["en"].names("names.weekdays_short")[sunday]) == (
        "Min",
        "Sun",
    )


def test_markup_messages_escape_their_values(lang: dict[str, Language]) -> None:
    html = lang["en"].html("subscribe.badge_html", url="<b>x</b>", href='a"&b')
    assert (
        html == 'a status image to show on other sites: <a href="a&#34;&amp;b"><code>&lt;b&gt;x&lt;/b&gt;</code></a>.'
    )


def test_a_missing_key_names_itself_and_the_language(lang: dict[str, Language]) -> None:
    with pytest.raises(KeyError, match=re.escape("message 'nav.nope' is missing from the 'en' catalogue")):
        lang["en"].t("nav.nope")


def test_text_carries_its_translations() -> None:
    title = Text("Gangguan", {"en": "Outage"})
    assert title == "Gangguan"
    assert translated(title, "en") == ("Outage", True)
    assert translated(title, "id") == ("Gangguan", False)
    assert translated("Gangguan", "en") == ("Gangguan", False)
    copy = pickle.loads(pickle.dumps(title))
    assert (copy, copy.translations) == ("Gangguan", {"en": "Outage"})
