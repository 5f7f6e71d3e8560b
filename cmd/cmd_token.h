/* `chargefleet token create | list | revoke`: a tenant's API tokens (cmd_token.c). */
#ifndef CMD_TOKEN_H
#define CMD_TOKEN_H

/* argv[0] is "token". Returns the process exit status: 0 done, 1 failed (the database,
 * an unknown token id: said on stderr), 2 a usage error (one line on stderr). */
int cmd_token(int argc, char **argv);

#endif
