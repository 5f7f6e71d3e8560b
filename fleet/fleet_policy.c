/* The operator's limits on what a tenant may name: CA files inside --ca-dir, CSMS
 * hosts in --allow-ws-hosts. Host names are matched as written and never resolved at
 * validation time: a listed name is trusted to point where the operator meant (DNS is
 * the operator's), an unlisted one is refused whatever it resolves to, so a tenant
 * cannot reach 169.254.169.254 or a private range through a name or a numeric
 * spelling (ws://2130706433/) that the resolver would turn into one. */
#include "fleet_policy.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

struct entry {
    int family;                 /* AF_INET, AF_INET6, or 0: a host name */
    unsigned char addr[16];
    int bits;                   /* prefix length of a CIDR (the whole address otherwise) */
    char name[256];
};

static struct {
    char *ca_dir;               /* canonical, without a trailing '/' (NULL: none) */
    char *hosts;                /* as given */
    struct entry *e;
    size_t n;
} policy;

void fleet_policy_reset(void)
{
    free(policy.ca_dir);
    free(policy.hosts);
    free(policy.e);
    memset(&policy, 0, sizeof policy);
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its IPv4 one. */
static void unmap(struct entry *e)
{
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (e->family == AF_INET6 && memcmp(e->addr, mapped, 12) == 0) {
        memmove(e->addr, e->addr + 12, 4);
        e->family = AF_INET;
        e->bits = e->bits >= 96 ? e->bits - 96 : 0;
    }
}

/* s: an address, a CIDR or a host name (letters, digits, '-', '.'). 0 or -1. */
static int parse_entry(const char *s, struct entry *e, int cidr_ok)
{
    char buf[256];
    const char *slash = cidr_ok ? strchr(s, '/') : NULL;

    memset(e, 0, sizeof *e);
    if (strlen(s) == 0 || strlen(s) >= sizeof buf)
        return -1;
    snprintf(buf, sizeof buf, "%.*s", slash ? (int)(slash - s) : (int)strlen(s), s);
    if (inet_pton(AF_INET, buf, e->addr) == 1) {
        e->family = AF_INET;
        e->bits = 32;
    } else if (inet_pton(AF_INET6, buf, e->addr) == 1) {
        e->family = AF_INET6;
        e->bits = 128;
    } else {
        size_t n = strlen(buf);
        if (slash || strspn(buf, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "0123456789-.") != n || buf[0] == '.' || buf[0] == '-')
            return -1;
        if (buf[n - 1] == '.')
            buf[n - 1] = '\0';
        snprintf(e->name, sizeof e->name, "%s", buf);
        return 0;
    }
    if (slash) {
        char *end;
        long bits = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || bits < 0 || bits > e->bits)
            return -1;
        e->bits = (int)bits;
    }
    unmap(e);
    return 0;
}

int fleet_policy_set(const char *ca_dir, const char *hosts, char *err, size_t n)
{
    fleet_policy_reset();
    if (ca_dir) {
        char real[PATH_MAX];
        struct stat st;
        if (!realpath(ca_dir, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, n, "--ca-dir %s: not a directory", ca_dir);
            return -1;
        }
        size_t k = strlen(real);
        if (k > 1 && real[k - 1] == '/')
            real[k - 1] = '\0';
        policy.ca_dir = strdup(real);
    }
    if (hosts && *hosts) {
        char *list = strdup(hosts), *save = NULL;
        size_t cap = 1;
        for (const char *c = hosts; *c; c++)
            cap += *c == ',';
        policy.hosts = strdup(hosts);
        policy.e = calloc(cap, sizeof *policy.e);
        for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            while (*t == ' ')
                t++;
            char *end = t + strlen(t);
            while (end > t && end[-1] == ' ')
                *--end = '\0';
            if (parse_entry(t, &policy.e[policy.n], 1) != 0) {
                snprintf(err, n, "--allow-ws-hosts: '%.100s' is not a host name, an IP "
                         "address or a CIDR (127.0.0.0/8, ::1/128, csms.example.com)", t);
                free(list);
                fleet_policy_reset();
                return -1;
            }
            policy.n++;
        }
        free(list);
        if (policy.n == 0) {
            snprintf(err, n, "--allow-ws-hosts: an empty list");
            fleet_policy_reset();
            return -1;
        }
    }
    return 0;
}

const char *fleet_policy_ws_hosts(void)
{
    return policy.hosts ? policy.hosts : "";
}

static int in_cidr(const struct entry *net, const struct entry *ip)
{
    if (net->family != ip->family)
        return 0;
    int full = net->bits / 8, rest = net->bits % 8;
    if (memcmp(net->addr, ip->addr, (size_t)full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (net->addr[full] & mask) == (ip->addr[full] & mask);
}

int fleet_policy_ws_host_ok(const char *ws_url)
{
    if (!policy.n)
        return 1;
    const char *h = strstr(ws_url, "://");
    if (!h)
        return 0;
    h += 3;
    size_t len = strcspn(h, "/?#");
    char host[256];
    if (*h == '[') {
        const char *close = memchr(h, ']', len);
        if (!close)
            return 0;
        len = (size_t)(close - h - 1);
        h++;
    } else {
        const char *colon = memchr(h, ':', len);
        if (colon)
            len = (size_t)(colon - h);
    }
    if (len == 0 || len >= sizeof host)
        return 0;
    snprintf(host, sizeof host, "%.*s", (int)len, h);
    struct entry ip;
    if (parse_entry(host, &ip, 0) != 0)
        return 0;
    for (size_t i = 0; i < policy.n; i++) {
        const struct entry *e = &policy.e[i];
        if (ip.family ? in_cidr(e, &ip) : (!e->family && strcasecmp(e->name, ip.name) == 0))
            return 1;
    }
    return 0;
}

int fleet_policy_ca_file(const char *path, char *out, size_t n_out, char *why, size_t n)
{
    char real[PATH_MAX];
    struct stat st;

    if (!policy.ca_dir) {
        snprintf(why, n, "ca_file: this server reads no CA file a request names: give the "
                 "certificate inline as ca_pem, or ask the operator to start serve with "
                 "--ca-dir DIR and name a file in it");
        return -1;
    }
    size_t d = strlen(policy.ca_dir);
    if (path[0] != '/' || !realpath(path, real)) {
        snprintf(why, n, "ca_file: no such file in the CA directory %s (an absolute path)",
                 policy.ca_dir);
        return -1;
    }
    if (strncmp(real, policy.ca_dir, d) != 0 || (real[d] != '/' && d > 1)) {
        snprintf(why, n, "ca_file: outside the CA directory %s (after following links and "
                 "'..')", policy.ca_dir);
        return -1;
    }
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode) || strlen(real) >= n_out) {
        snprintf(why, n, "ca_file: not a regular file in the CA directory %s", policy.ca_dir);
        return -1;
    }
    BIO *b = BIO_new_file(real, "r");
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    X509_free(x);
    BIO_free(b);
    ERR_clear_error();   /* a failed read leaves errors a later TLS handshake would see */
    if (!x) {
        snprintf(why, n, "ca_file: %s", b ? "not a PEM file with a certificate"
                                          : "cannot be read by this server");
        return -1;
    }
    snprintf(out, n_out, "%s", real);
    return 0;
}
