"""Date and time formats per language (settings.FORMAT_MODULE_PATH).

One calendar per language, the Gregorian one everywhere (Thai included: docs/architecture.md,
"Dates and times"), day before month wherever the language writes it so (no US month/day/year),
24-hour times. Besides Django's format names each module may give:

- ``WEEKDAY_DATE_FORMAT`` / ``WEEKDAY_DATETIME_FORMAT``: a date (and time) with its weekday, the
  form of the schedule pages and the room header (``camp.dateformat``);
- ``WEEKDAYS`` / ``WEEKDAYS_ABBR`` (Monday first) and ``MONTHS`` / ``MONTHS_ABBR`` (January
  first): the names, for a language whose names Django's catalogs lack (Lao has none, Burmese no
  short ones). ``camp.dateformat`` uses them for every date a page shows.
"""
