/* Private to cmd/: what a command's process does to itself, shared by serve, worker and
 * csms: take the whole open-files allowance, and stop with the parent that started it. */
#ifndef CMD_PROC_H
#define CMD_PROC_H

#include <uv.h>

/* Raises the soft open-files limit to the hard one (every charger is a socket). The
 * limit in force afterwards, at most 1000000 (1024 when it cannot be read). */
int cmd__raise_nofile(void);

/* A child started by serve (--stop-with-parent): its stdin is a pipe from serve, which
 * closes when serve goes away, even killed. Watches stdin with the embedded pipe p on
 * loop and calls gone(arg) at EOF (gone may close p). 0; 1 when stdin cannot be read
 * (p is initialised all the same: close it; gone is never called); -1 when p could
 * not be initialised (nothing to close). The caller closes p (uv_close) when it stops. */
int cmd__watch_parent(uv_loop_t *loop, uv_pipe_t *p, void (*gone)(void *arg), void *arg);

#endif
