"""Simplified Chinese: 2026年7月20日, 7月20日 周一 14:00."""

DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
WEEKDAY_DATE_FORMAT = "n月j日 D"
WEEKDAY_DATETIME_FORMAT = "n月j日 D H:i"
FIRST_DAY_OF_WEEK = 1

# Django's catalog says 星期一 for both "Mon" and "Monday": the short form children read on a schedule.
WEEKDAYS_ABBR = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
MONTHS = ("一月", "二月", "三月", "四月", "五月", "六月", "七月", "八月", "九月", "十月", "十一月", "十二月")
MONTHS_ABBR = ("1月", "2月", "3月", "4月", "5月", "6月", "7月", "8月", "9月", "10月", "11月", "12月")
