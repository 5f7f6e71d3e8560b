/* What the operator of serve allows tenants to name (--ca-dir, --allow-ws-hosts): set
 * once at start, read by the validators (fleet_vctx.c) on every request. Without
 * either option the defaults hold: no ca_file path at all (inline ca_pem only) and any
 * ws_url host. */
#ifndef FLEET_POLICY_H
#define FLEET_POLICY_H

#include <stddef.h>

/* ca_dir: the directory ca_file paths must lie in (NULL: ca_file refused), made
 * canonical here. hosts: a comma list of host names (matched literally, case
 * insensitive, never resolved), IPv4 / IPv6 addresses and CIDRs (NULL or "": any
 * host). 0, or -1 with err naming the bad entry or directory. Copies what it keeps. */
int fleet_policy_set(const char *ca_dir, const char *hosts, char *err, size_t n);
/* Back to the defaults (frees what fleet_policy_set kept). */
void fleet_policy_reset(void);

/* 1 when the host of ws_url (a URL vc_ws_url_ok accepts) may be connected to: no
 * list, or a literal IP inside a listed address / CIDR (an IPv4-mapped IPv6 address
 * counts as its IPv4 one), or a name listed as such. 0 otherwise. */
int fleet_policy_ws_host_ok(const char *ws_url);
/* The list as given ("" without one), for messages. */
const char *fleet_policy_ws_hosts(void);

/* A tenant's ca_file: its canonical path (realpath) into out when it lies inside
 * --ca-dir and is a readable PEM file with a certificate; 0, or -1 with why[n] saying
 * what is wrong (no --ca-dir, outside it, unreadable, not PEM). */
int fleet_policy_ca_file(const char *path, char *out, size_t n_out, char *why, size_t n);

#endif
