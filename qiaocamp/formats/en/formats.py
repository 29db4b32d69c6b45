"""English, as the camp's international groups read it: 20 Jul 2026, Mon 20 Jul 14:00 (never 7/20)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
WEEKDAY_DATE_FORMAT = "D j M"
WEEKDAY_DATETIME_FORMAT = "D j M, H:i"
FIRST_DAY_OF_WEEK = 1
