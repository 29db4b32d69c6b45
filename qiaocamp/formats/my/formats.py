"""Burmese: 20 ဇူ 2026, တနင်္လာ 20 ဇူ 14:00 (day first; Django's Burmese has no formats, no short names).

Digits stay 0-9 on the server and in the browser (live-room.js asks Intl for Latin digits) so that a
page never mixes ၂၀ and 20. The names are CLDR's; a native reader should confirm them.
"""

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

# Burmese writes the weekday whole; CLDR's short and long names are the same words.
WEEKDAYS_ABBR = ("တနင်္လာ", "အင်္ဂါ", "ဗုဒ္ဓဟူး", "ကြာသပတေး", "သောကြာ", "စနေ", "တနင်္ဂနွေ")
WEEKDAYS = WEEKDAYS_ABBR
MONTHS = ("ဇန်နဝါရီ", "ဖေဖော်ဝါရီ", "မတ်", "ဧပြီ", "မေ", "ဇွန်", "ဇူလိုင်", "ဩဂုတ်", "စက်တင်ဘာ", "အောက်တိုဘာ", "နိုဝင်ဘာ", "ဒီဇင်ဘာ")
MONTHS_ABBR = ("ဇန်", "ဖေ", "မတ်", "ဧ", "မေ", "ဇွန်", "ဇူ", "ဩ", "စက်", "အောက်", "နို", "ဒီ")
