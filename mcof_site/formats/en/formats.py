# One date format per language (FORMAT_MODULE_PATH in settings): the long forms spell the month,
# the short forms are ISO 8601 in every language (a date typed in a form reads the same back), and
# times are on the 24-hour clock (no "p.m." in a sentence).
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
