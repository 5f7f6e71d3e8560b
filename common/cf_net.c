#include "cf_net.h"

#include <errno.h>
#include <netdb.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Binds host:port (SO_REUSEADDR) and lets it go: 0, or -1 with *err an errno value
 * (0 and *why set when the name does not resolve). */
static int try_bind(const char *host, int port, int *err, const char **why)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE}, *res = NULL;
    char service[8];
    int rc = -1, gai;

    snprintf(service, sizeof service, "%d", port);
    *err = 0;
    *why = NULL;
    if ((gai = getaddrinfo(host, service, &hints, &res)) != 0) {
        *why = gai_strerror(gai);
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM, 0), one = 1;
    if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
        bind(fd, res->ai_addr, res->ai_addrlen) == 0)
        rc = 0;
    *err = errno;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    return rc;
}

int cf_net_probe_listen(const char *host, int port, const char *hint)
{
    const char *why;
    int err;

    if (try_bind(host, port, &err, &why) == 0)
        return 0;
    if (why)
        fprintf(stderr, "chargefleet: %s:%d: %s\n", host, port, why);
    else
        fprintf(stderr, "chargefleet: cannot listen on %s:%d: %s%s%s%s\n", host, port,
                strerror(err), err == EADDRINUSE && hint ? " (another program has it: " : "",
                err == EADDRINUSE && hint ? hint : "", err == EADDRINUSE && hint ? ")" : "");
    return -1;
}

int cf_net_free_port(const char *host)
{
    const char *why;
    int err;

    for (int i = 0; i < 200; i++) {
        unsigned short r;
        if (RAND_bytes((unsigned char *)&r, sizeof r) != 1)
            return -1;
        int port = 20000 + r % 12000;
        if (try_bind(host, port, &err, &why) == 0)
            return port;
        if (why)
            return -1;
    }
    return -1;
}
