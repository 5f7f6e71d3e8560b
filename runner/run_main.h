/* `chargefleet run FILE`: the command's options, the run, the reports, the exit code. */
#ifndef RUN_MAIN_H
#define RUN_MAIN_H

/* argv[0] is "run". Returns the process exit status (0 all PASS, 1 not, 2 usage/file). */
int run_main(int argc, char **argv);

#endif
