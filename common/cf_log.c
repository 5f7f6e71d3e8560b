#include "cf_log.h"

#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum cf_log_level cf_log_level = CF_LOG_LEVEL_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};
static const char *const format_names[] = {"text", "json"};
static enum cf_log_format log_format = CF_LOG_TEXT;

/* The index of name in names[n], or -1. */
static int name_index(const char *const *names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(name, names[i]) == 0)
            return i;
    return -1;
}

int cf_log_set_level(const char *name)
{
    int i = name_index(level_names, 4, name);
    if (i >= 0)
        cf_log_level = (enum cf_log_level)i;
    return i >= 0 ? 0 : -1;
}

const char *cf_log_level_name(void)
{
    return level_names[cf_log_level];
}

int cf_log_set_format(const char *name)
{
    int i = name_index(format_names, 2, name);
    if (i >= 0)
        log_format = (enum cf_log_format)i;
    return i >= 0 ? 0 : -1;
}

const char *cf_log_format_name(void)
{
    return format_names[log_format];
}

/* jansson refuses text that is not UTF-8 (a frame can carry anything): such a message
 * is logged with its bytes >= 0x80 as '?' rather than lost. */
static json_t *utf8_string(const char *msg)
{
    json_t *s = json_string(msg);
    if (s)
        return s;
    char copy[1024];
    size_t n = 0;
    for (; msg[n] && n < sizeof copy - 1; n++)
        copy[n] = (unsigned char)msg[n] >= 0x80 ? '?' : msg[n];
    copy[n] = '\0';
    return json_string(copy);
}

void cf_log_write(enum cf_log_level lvl, const char *component, const char *identity,
                  const char *fmt, ...)
{
    char ts[25], msg[1024];
    va_list ap;
    cf_now_rfc3339(ts);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (log_format == CF_LOG_TEXT) {
        fprintf(stderr, "%s %-5s [%s] %s\n", ts, level_names[lvl], identity ? identity : component,
                msg);
        return;
    }
    json_t *o = json_pack("{s:s,s:s,s:s}", "time", ts, "level", level_names[lvl], "component",
                          component);
    if (o && identity)
        json_object_set_new(o, "identity", utf8_string(identity));
    if (o)
        json_object_set_new(o, "message", utf8_string(msg));
    char *line = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    if (line)
        fprintf(stderr, "%s\n", line);
    else   /* out of memory: the line still goes out, as text */
        fprintf(stderr, "%s %-5s [%s] %s\n", ts, level_names[lvl], component, msg);
    free(line);
    json_decref(o);
}
