#include "cf_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

enum cf_log_level cf_log_level = CF_LOG_LEVEL_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

int cf_log_set_level(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(name, level_names[i]) == 0) {
            cf_log_level = (enum cf_log_level)i;
            return 0;
        }
    return -1;
}

const char *cf_log_level_name(void)
{
    return level_names[cf_log_level];
}

void cf_now_rfc3339(char *out)
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(out, 25, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 25 - n, ".%03dZ", (int)(tv.tv_usec / 1000) % 1000);
}

void cf_log_write(enum cf_log_level lvl, const char *tag, const char *fmt, ...)
{
    char ts[25], msg[1024];
    va_list ap;
    cf_now_rfc3339(ts);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s %-5s [%s] %s\n", ts, level_names[lvl], tag, msg);
}
