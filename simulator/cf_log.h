/* One log macro family for every layer: a timestamp, a level, a tag (a charger
 * identity, or a module name) and the message, one line on stderr. */
#ifndef CF_LOG_H
#define CF_LOG_H

enum cf_log_level { CF_LOG_LEVEL_ERROR, CF_LOG_LEVEL_WARN, CF_LOG_LEVEL_INFO, CF_LOG_LEVEL_DEBUG };

extern enum cf_log_level cf_log_level;

/* Parses "error" | "warn" | "info" | "debug"; returns 0 or -1. */
int cf_log_set_level(const char *name);
/* The name of the level in force ("info"). */
const char *cf_log_level_name(void);

void cf_log_write(enum cf_log_level lvl, const char *tag, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define CF_LOG(lvl, tag, ...)                                                                  \
    do {                                                                                       \
        if ((lvl) <= cf_log_level)                                                             \
            cf_log_write((lvl), (tag), __VA_ARGS__);                                           \
    } while (0)
#define CF_LOG_ERROR(tag, ...) CF_LOG(CF_LOG_LEVEL_ERROR, tag, __VA_ARGS__)
#define CF_LOG_WARN(tag, ...) CF_LOG(CF_LOG_LEVEL_WARN, tag, __VA_ARGS__)
#define CF_LOG_INFO(tag, ...) CF_LOG(CF_LOG_LEVEL_INFO, tag, __VA_ARGS__)
#define CF_LOG_DEBUG(tag, ...) CF_LOG(CF_LOG_LEVEL_DEBUG, tag, __VA_ARGS__)

/* RFC 3339 UTC timestamp with milliseconds of the wall clock: "2026-11-24T10:00:00.000Z".
 * out must hold 25 bytes. */
void cf_now_rfc3339(char *out);

#endif
