/* One log macro family for every layer: a timestamp, a level, a component (a module
 * name: "orch", "pg", ...) or a charger's identity, and the message; one line on stderr,
 * as text ("<time> <level> [<tag>] <message>") or as one JSON object a line
 * ({"time","level","component","identity"?,"message"}). */
#ifndef CF_LOG_H
#define CF_LOG_H

#include "cf_time.h"   /* cf_now_rfc3339, which every log line carries */

enum cf_log_level { CF_LOG_LEVEL_ERROR, CF_LOG_LEVEL_WARN, CF_LOG_LEVEL_INFO, CF_LOG_LEVEL_DEBUG };
enum cf_log_format { CF_LOG_TEXT, CF_LOG_JSON };

extern enum cf_log_level cf_log_level;

/* Parses "error" | "warn" | "info" | "debug"; returns 0 or -1. */
int cf_log_set_level(const char *name);
/* The name of the level in force ("info"). */
const char *cf_log_level_name(void);
/* Parses "text" | "json"; returns 0 or -1. */
int cf_log_set_format(const char *name);
/* The name of the format in force ("text"). */
const char *cf_log_format_name(void);

/* identity: the charger the line is about, or NULL (then component is the tag). */
void cf_log_write(enum cf_log_level lvl, const char *component, const char *identity,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define CF_LOG(lvl, component, ...)                                                            \
    do {                                                                                       \
        if ((lvl) <= cf_log_level)                                                             \
            cf_log_write((lvl), (component), NULL, __VA_ARGS__);                               \
    } while (0)
#define CF_LOG_ERROR(tag, ...) CF_LOG(CF_LOG_LEVEL_ERROR, tag, __VA_ARGS__)
#define CF_LOG_WARN(tag, ...) CF_LOG(CF_LOG_LEVEL_WARN, tag, __VA_ARGS__)
#define CF_LOG_INFO(tag, ...) CF_LOG(CF_LOG_LEVEL_INFO, tag, __VA_ARGS__)
#define CF_LOG_DEBUG(tag, ...) CF_LOG(CF_LOG_LEVEL_DEBUG, tag, __VA_ARGS__)

/* A line about one charger: component "charger", the identity as its tag. */
#define CF_CLOG(lvl, identity, ...)                                                            \
    do {                                                                                       \
        if ((lvl) <= cf_log_level)                                                             \
            cf_log_write((lvl), "charger", (identity), __VA_ARGS__);                           \
    } while (0)
#define CF_CLOG_ERROR(id, ...) CF_CLOG(CF_LOG_LEVEL_ERROR, id, __VA_ARGS__)
#define CF_CLOG_WARN(id, ...) CF_CLOG(CF_LOG_LEVEL_WARN, id, __VA_ARGS__)
#define CF_CLOG_INFO(id, ...) CF_CLOG(CF_LOG_LEVEL_INFO, id, __VA_ARGS__)
#define CF_CLOG_DEBUG(id, ...) CF_CLOG(CF_LOG_LEVEL_DEBUG, id, __VA_ARGS__)

#endif
