#include "cf_net.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int cf_net_probe_listen(const char *host, int port, const char *hint)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE}, *res = NULL;
    char service[8];
    int err, rc = -1;

    snprintf(service, sizeof service, "%d", port);
    if ((err = getaddrinfo(host, service, &hints, &res)) != 0) {
        fprintf(stderr, "chargefleet: %s:%d: %s\n", host, port, gai_strerror(err));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM, 0), one = 1;
    if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
        bind(fd, res->ai_addr, res->ai_addrlen) == 0)
        rc = 0;
    err = errno;
    if (fd >= 0)
        close(fd);
    freeaddrinfo(res);
    if (rc != 0)
        fprintf(stderr, "chargefleet: cannot listen on %s:%d: %s%s%s%s\n", host, port,
                strerror(err), err == EADDRINUSE && hint ? " (another program has it: " : "",
                err == EADDRINUSE && hint ? hint : "", err == EADDRINUSE && hint ? ")" : "");
    return rc;
}
