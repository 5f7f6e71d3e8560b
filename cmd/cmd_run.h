/* `chargefleet run FILE`: the command's options, the run, the reports, the exit code. */
#ifndef CMD_RUN_H
#define CMD_RUN_H

/* argv[0] is "run". Returns the process exit status (0 all PASS, 1 not, 2 usage/file). */
int cmd_run(int argc, char **argv);

#endif
