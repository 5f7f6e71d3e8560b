#include "orch_pg.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cf_log.h"

#define PG_PORT "5432"    /* only names the socket file: nothing listens on TCP */

void orch_pg_default_state_dir(char *out, size_t n)
{
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");

    if (geteuid() == 0)
        snprintf(out, n, "/var/lib/chargefleet");
    else if (xdg && *xdg)
        snprintf(out, n, "%s/chargefleet", xdg);
    else
        snprintf(out, n, "%s/.local/state/chargefleet", home ? home : ".");
}

/* The newest installed server: /usr/lib/postgresql/<major>/bin (Debian's layout). */
static int find_bindir(char *out, size_t n)
{
    glob_t g;
    int best = -1;

    if (glob("/usr/lib/postgresql/*/bin/postgres", 0, NULL, &g) != 0) {
        CF_LOG_ERROR("pg", "no PostgreSQL server found under /usr/lib/postgresql "
                     "(apt-get install postgresql, or use --db)");
        return -1;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        int major = atoi(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"));
        if (major > best) {
            best = major;
            snprintf(out, n, "%.*s", (int)(strlen(g.gl_pathv[i]) - strlen("/postgres")),
                     g.gl_pathv[i]);
        }
    }
    globfree(&g);
    return 0;
}

int orch_pg_mkdir_p(const char *path, mode_t mode)
{
    char buf[512];

    snprintf(buf, sizeof(buf), "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, mode) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Runs argv as the unprivileged user when we are root. With wait_it the call returns
 * the exit status, else the child's pid. The child dies with us (PDEATHSIG, set after
 * setuid because changing credentials clears it). */
static pid_t run_as(const struct passwd *pw, char *const argv[], const char *log, int wait_it)
{
    pid_t pid = fork();

    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (pw) {
            if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
                _exit(126);
        }
        prctl(PR_SET_PDEATHSIG, SIGINT);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        int nul = open("/dev/null", O_RDONLY);
        if (nul >= 0) {
            dup2(nul, 0);
            close(nul);
        }
        setsid();
        execv(argv[0], argv);
        _exit(127);
    }
    if (!wait_it)
        return pid;
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int orch_pg_start(struct orch_pg *pg, const char *state_dir, char *conninfo, size_t n)
{
    char bindir[256], path[768], log[768], initdb[512], postgres[512];
    const struct passwd *pw = NULL;
    struct stat st;

    memset(pg, 0, sizeof(*pg));
    if (find_bindir(bindir, sizeof(bindir)) != 0)
        return -1;
    if (geteuid() == 0) {
        pw = getpwnam("postgres");
        if (!pw) {
            CF_LOG_ERROR("pg", "running as root needs the 'postgres' user (package postgresql)");
            return -1;
        }
    }
    snprintf(pg->data_dir, sizeof(pg->data_dir), "%s/pg", state_dir);
    snprintf(pg->sock_dir, sizeof(pg->sock_dir), "%s/run", state_dir);
    snprintf(log, sizeof(log), "%s/postgresql.log", state_dir);
    if (orch_pg_mkdir_p(state_dir, 0700) != 0 || orch_pg_mkdir_p(pg->sock_dir, 0700) != 0) {
        CF_LOG_ERROR("pg", "cannot create state directory %s: %s", state_dir, strerror(errno));
        return -1;
    }
    if (pw && (chown(state_dir, pw->pw_uid, pw->pw_gid) != 0 ||
               chown(pg->sock_dir, pw->pw_uid, pw->pw_gid) != 0)) {
        CF_LOG_ERROR("pg", "cannot chown %s to postgres: %s", state_dir, strerror(errno));
        return -1;
    }
    /* the log is opened by the child, as postgres */
    if (pw) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            if (fchown(fd, pw->pw_uid, pw->pw_gid) != 0)
                CF_LOG_WARN("pg", "cannot chown %s: %s", log, strerror(errno));
            close(fd);
        }
    }

    snprintf(path, sizeof(path), "%s/PG_VERSION", pg->data_dir);
    if (stat(path, &st) != 0) {
        CF_LOG_INFO("pg", "initialising a private PostgreSQL cluster in %s", pg->data_dir);
        snprintf(initdb, sizeof(initdb), "%s/initdb", bindir);
        char *argv[] = {initdb, "-D", pg->data_dir, "-U", "postgres", "-A", "trust",
                        "-E", "UTF8", "--locale=C", NULL};
        if (run_as(pw, argv, log, 1) != 0) {
            CF_LOG_ERROR("pg", "initdb failed: see %s", log);
            return -1;
        }
    }

    /* Already running (a `serve` on this state directory): use it, do not own it. */
    snprintf(conninfo, n, "host=%s port=%s user=postgres dbname=postgres", pg->sock_dir,
             PG_PORT);
    if (PQping(conninfo) == PQPING_OK) {
        CF_LOG_INFO("pg", "embedded PostgreSQL already running (socket in %s): using it",
                    pg->sock_dir);
        return 0;
    }

    /* A postmaster of a killed previous run may still be shutting down (it got
     * PDEATHSIG): wait for its pid file to go before starting ours. */
    snprintf(path, sizeof(path), "%s/postmaster.pid", pg->data_dir);
    for (int i = 0; i < 200 && stat(path, &st) == 0; i++)
        sleep_ms(100);

    snprintf(postgres, sizeof(postgres), "%s/postgres", bindir);
    char sock_opt[600];
    snprintf(sock_opt, sizeof(sock_opt), "unix_socket_directories=%s", pg->sock_dir);
    char *argv[] = {postgres, "-D", pg->data_dir, "-p", PG_PORT, "-c", "listen_addresses=",
                    "-c", sock_opt, "-c", "max_connections=100", NULL};
    pg->pid = run_as(pw, argv, log, 0);
    if (pg->pid < 0) {
        pg->pid = 0;
        CF_LOG_ERROR("pg", "cannot start postgres: %s", strerror(errno));
        return -1;
    }
    for (int i = 0; i < 600; i++) {
        int status;
        if (waitpid(pg->pid, &status, WNOHANG) == pg->pid) {
            pg->pid = 0;
            CF_LOG_ERROR("pg", "postgres exited at start: see %s", log);
            return -1;
        }
        if (PQping(conninfo) == PQPING_OK) {
            CF_LOG_INFO("pg", "embedded PostgreSQL up (socket in %s)", pg->sock_dir);
            return 0;
        }
        sleep_ms(100);
    }
    CF_LOG_ERROR("pg", "postgres did not accept connections within 60 s: see %s", log);
    orch_pg_stop(pg);
    return -1;
}

void orch_pg_stop(struct orch_pg *pg)
{
    int status;

    if (pg->pid <= 0)
        return;
    kill(pg->pid, SIGINT);
    for (int i = 0; i < 200; i++) {
        if (waitpid(pg->pid, &status, WNOHANG) == pg->pid) {
            pg->pid = 0;
            return;
        }
        sleep_ms(100);
    }
    CF_LOG_WARN("pg", "postgres did not stop in 20 s: immediate shutdown");
    kill(pg->pid, SIGQUIT);
    waitpid(pg->pid, &status, 0);
    pg->pid = 0;
}
