/* The embedded private PostgreSQL that `serve` runs when no --db is given: a cluster
 * initialised from the machine's PostgreSQL installation under the state directory,
 * listening on a unix socket only. As root the server runs as the `postgres` user
 * (PostgreSQL refuses root). Start and stop are blocking: they run before the loop
 * starts and after it ends. */
#ifndef ORCH_PG_H
#define ORCH_PG_H

#include <stddef.h>
#include <sys/types.h>

struct orch_pg {
    pid_t pid;               /* the postmaster, 0 when not running */
    char data_dir[512];
    char sock_dir[512];
};

/* The default state directory: /var/lib/chargefleet as root, else
 * $XDG_STATE_HOME/chargefleet or ~/.local/state/chargefleet. */
void orch_pg_default_state_dir(char *out, size_t n);

/* mkdir -p with mode for the directories it makes; 0 or -1 with errno. */
int orch_pg_mkdir_p(const char *path, mode_t mode);

/* Creates state_dir if needed, runs initdb the first time, starts the server and waits
 * until it accepts connections (60 s at most). Writes the libpq conninfo to
 * conninfo[n]. Returns 0, or -1 with the reason logged. */
int orch_pg_start(struct orch_pg *pg, const char *state_dir, char *conninfo, size_t n);

/* Fast shutdown (SIGINT), waits for the server to exit (SIGQUIT after 20 s). */
void orch_pg_stop(struct orch_pg *pg);

#endif
