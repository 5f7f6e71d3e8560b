/* Small socket helpers shared by the commands. */
#ifndef CF_NET_H
#define CF_NET_H

/* Tries to bind host:port (as a listener would, SO_REUSEADDR) and lets it go: a port in
 * use is said in one line before anything starts, instead of after the database and
 * the runtime came up and had to be taken down again. hint is appended when the
 * address is in use (how to choose another). 0, or -1 with the reason on stderr. */
int cf_net_probe_listen(const char *host, int port, const char *hint);

#endif
