"""Dates per language (qiaocamp/formats/, camp.dateformat): one calendar, the Gregorian one, in every
language; day before month where the language writes it so; the names in the language (Django has
no Lao ones and no short Burmese ones: ours are used); machine formats unchanged."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from camp.dateformat import date_format

MONDAY = datetime.datetime(2026, 7, 20, 14, 5)
LANGUAGES = ["zh-hans", "en", "th", "lo", "my"]
# What each language must show for Monday 20 July 2026 (weekday and short month in its own words).
EXPECTED_SHORT = {
    "zh-hans": "2026-07-20",
    "en": "20 Jul 2026",
    "th": "20 ก.ค. 2026",
    "lo": "20 ກ.ລ. 2026",
    "my": "20 ဇူ 2026",
}
EXPECTED_WEEKDAY = {
    "zh-hans": "7月20日 周一",
    "en": "Mon 20 Jul",
    "th": "จ. 20 ก.ค.",
    "lo": "ຈັນ 20 ກ.ລ.",
    "my": "တနင်္လာ 20 ဇူ",
}


def render(text: str, language: str, **context) -> str:
    with translation.override(language):
        return Template(text).render(Context(context))


@pytest.mark.parametrize("language", LANGUAGES)
def test_short_and_weekday_dates_in_each_language(language):
    with translation.override(language):
        assert date_format(MONDAY, "SHORT_DATE_FORMAT") == EXPECTED_SHORT[language]
        assert date_format(MONDAY, "WEEKDAY_DATE_FORMAT") == EXPECTED_WEEKDAY[language]
        assert date_format(MONDAY, "WEEKDAY_DATETIME_FORMAT").endswith("14:05")


@pytest.mark.parametrize("language", ["lo", "my"])
def test_no_us_month_day_year_in_lao_and_burmese(language):
    """The bug: without a format module Django's default SHORT_DATE_FORMAT m/d/Y printed 07/20/2026."""
    text = render(
        '{{ d|date:"SHORT_DATE_FORMAT" }} {{ d|date:"SHORT_DATETIME_FORMAT" }} {{ d|date }}',
        language,
        d=MONDAY,
    )
    assert "07/20" not in text and "7/20" not in text and "Jul" not in text and "July" not in text
    assert text.startswith("20 ")


def test_thai_is_gregorian_everywhere():
    """One calendar for Thai: 2026, never the Buddhist 2569 (docs/architecture.md)."""
    for name in (
        "DATE_FORMAT",
        "SHORT_DATE_FORMAT",
        "DATETIME_FORMAT",
        "WEEKDAY_DATE_FORMAT",
        "YEAR_MONTH_FORMAT",
    ):
        text = render("{{ d|date:name }}", "th", d=MONDAY, name=name)
        assert "2569" not in text, (name, text)
    assert render('{{ d|date:"DATE_FORMAT" }}', "th", d=MONDAY) == "20 กรกฎาคม 2026"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_weekday_and_month_has_a_name_in_the_language(language):
    with translation.override("en"):
        english = {date_format(MONDAY + datetime.timedelta(days=n), "D") for n in range(7)}
    with translation.override(language):
        weekdays = [date_format(MONDAY + datetime.timedelta(days=n), "D") for n in range(7)]
        months = [date_format(datetime.date(2026, m, 1), "M") for m in range(1, 13)]
        long_months = [date_format(datetime.date(2026, m, 1), "F") for m in range(1, 13)]
    assert len(set(weekdays)) == 7 and len(set(months)) == 12 and len(set(long_months)) == 12
    if language != "en":
        assert not english & set(weekdays), weekdays  # no English (or Thai) fallback in Lao or Burmese
    if language == "lo":
        assert all("\u0e80" <= name[0] <= "\u0eff" for name in weekdays + months), (weekdays, months)
    if language == "my":
        assert all("\u1000" <= name[0] <= "\u109f" for name in weekdays + months), (weekdays, months)


@pytest.mark.parametrize("language", LANGUAGES)
def test_machine_formats_stay_machine_formats(language):
    text = render('{{ d|date:"c" }}|{{ d|date:"Y-m-d" }}|{{ d|date:"H:i" }}', language, d=MONDAY)
    assert text == "2026-07-20T14:05:00|2026-07-20|14:05"


def test_the_filter_takes_what_djangos_takes():
    assert render("{{ d|date }}", "en", d=None) == ""
    assert render("{{ d|date }}", "en", d="") == ""
    assert render('{{ t|date:"H:i" }}', "en", t=datetime.time(9, 30)) == "09:30"
    assert render('{{ s|date:"Y" }}', "en", s="not a date") == ""


@pytest.mark.django_db
def test_the_when_tag_speaks_the_page_language(youth):
    from django.utils import timezone

    moment = timezone.make_aware(MONDAY, datetime.UTC)
    text = render("{% load courses_tags %}{% when moment %}", "lo", moment=moment, user=youth)
    assert "ຈັນ" in text and "ກ.ລ." in text and "Mon" not in text
