/* Migrations compiled from sql/NNN_name.sql, in file-name order (generated). */
#ifndef ORCH_MIGRATIONS_H
#define ORCH_MIGRATIONS_H
#include <stddef.h>

struct orch_migration {
    const char *name;   /* file name, e.g. "001_init.sql": the version key */
    const char *sql;
};

extern const struct orch_migration orch_migrations[];
extern const size_t orch_migrations_count;

#endif
