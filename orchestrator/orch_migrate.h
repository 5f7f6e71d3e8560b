/* Applies the numbered migrations compiled from sql/ (orch_migrations.h) in order,
 * each once, each in its own transaction, under an advisory lock so that several
 * processes starting together do not race. Blocking: runs before the loop starts. */
#ifndef ORCH_MIGRATE_H
#define ORCH_MIGRATE_H

/* Connects to conninfo (retrying for wait_s seconds while the server is not up),
 * applies what is missing. Returns the number of migrations applied (>= 0), or -1
 * with the reason logged. */
int orch_migrate(const char *conninfo, int wait_s);

#endif
