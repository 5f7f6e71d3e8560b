/* `chargefleet serve`: REST API + orchestrator + simulator runtime in one process. */
#ifndef CMD_SERVE_H
#define CMD_SERVE_H

/* argv[0] is "serve". Returns the process exit status: 0 stopped cleanly, 1 a failure
 * (the database, the listen address, a worker that did not exit 0), 2 a usage or
 * configuration error (said on stderr). */
int cmd_serve(int argc, char **argv);

#endif
