/* `chargefleet worker`: a simulator runtime only, claiming chargers that serve wrote to
 * a shared database. Everything it does is the runtime both commands share
 * (cmd_runtime.c); worker adds nothing to it. */
#include "cmd_worker.h"

#include <stddef.h>

#include "cmd_runtime.h"

static const char WORKER_USAGE[] =
    "usage: chargefleet worker --db URL [options]\n"
    "\n"
    "Runs chargers written by `chargefleet serve` to the same database.\n"
    "  --db URL                    PostgreSQL URL or conninfo (also $DATABASE_URL)\n"
    "  --provision-timeout SECONDS (120)\n"
    "  --lease-seconds SECONDS     claim lease, as serve's (15)\n"
    "  --capacity N                most chargers this worker runs (open-files limit - 200)\n"
    CMD__RUNTIME_USAGE
    CMD__SOURCES_USAGE;

int cmd_worker(int argc, char **argv)
{
    static const struct cmd__role role = {.cmd = {.name = "worker", .usage = WORKER_USAGE}};

    return cmd__runtime_main(argc, argv, &role, NULL);
}
