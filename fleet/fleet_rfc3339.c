/* RFC 3339 date-times, strictly: fixed-width fields read by hand (strptime is lenient
 * about widths and accepts 2026-02-30), the calendar checked, the instant computed
 * without timegm (no _GNU_SOURCE, no time zone state). */
#include "fleet_rfc3339.h"

#include <stddef.h>

/* The n-digit decimal at s, or -1 when any of the n characters is not a digit. */
static int digits(const char *s, int n)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the "days from
 * civil" algorithm: years counted from March, so the leap day ends a year). */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int fleet_rfc3339_parse(const char *s, time_t *out)
{
    if (!s)
        return -1;
    /* "YYYY-MM-DDTHH:MM:SS": the fixed part; digits() stops at a NUL (not a digit). */
    int y = digits(s, 4), mo = -1, d = -1, h = -1, mi = -1, sec = -1;
    if (y >= 0 && s[4] == '-')
        mo = digits(s + 5, 2);
    if (mo >= 0 && s[7] == '-')
        d = digits(s + 8, 2);
    if (d >= 0 && (s[10] == 'T' || s[10] == 't'))
        h = digits(s + 11, 2);
    if (h >= 0 && s[13] == ':')
        mi = digits(s + 14, 2);
    if (mi >= 0 && s[16] == ':')
        sec = digits(s + 17, 2);
    if (sec < 0 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
        mi > 59 || sec > 59)
        return -1;

    const char *p = s + 19;
    if (*p == '.') {
        if (digits(++p, 1) < 0)
            return -1;   /* "." needs at least one digit */
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh = digits(p + 1, 2), om = oh >= 0 && p[3] == ':' ? digits(p + 4, 2) : -1;
        if (om < 0 || oh > 23 || om > 59)
            return -1;
        offset = (*p == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
        p += 6;
    } else {
        return -1;       /* the offset is required */
    }
    if (*p != '\0')
        return -1;
    if (out)
        *out = (time_t)days_from_civil(y, mo, d) * 86400 + h * 3600L + mi * 60L + sec - offset;
    return 0;
}
