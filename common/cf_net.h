/* Small socket helpers shared by the commands. */
#ifndef CF_NET_H
#define CF_NET_H

/* Tries to bind host:port (as a listener would, SO_REUSEADDR) and lets it go: a port in
 * use is said in one line before anything starts, instead of after the database and
 * the runtime came up and had to be taken down again. hint is appended when the
 * address is in use (how to choose another). 0, or -1 with the reason on stderr. */
int cf_net_probe_listen(const char *host, int port, const char *hint);

/* A TCP port of host that nobody listens on now, for a listener started next (serve's
 * built-in CSMS): drawn at random below the kernel's ephemeral range (32768-60999 on
 * Linux), so no outgoing connection takes it as its local port meanwhile. The port,
 * or -1. */
int cf_net_free_port(const char *host);

#endif
