/* `chargefleet worker`: a simulator runtime only, on a database serve writes to. */
#ifndef CMD_WORKER_H
#define CMD_WORKER_H

/* argv[0] is "worker". Returns the process exit status: 0 stopped cleanly, 1 a failure
 * (the database), 2 a usage or configuration error (said on stderr). */
int cmd_worker(int argc, char **argv);

#endif
