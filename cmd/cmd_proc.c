/* The process helpers of the commands (cmd_proc.h). */
#include "cmd_proc.h"

#include <sys/resource.h>

int cmd__raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024;
    rl.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        getrlimit(RLIMIT_NOFILE, &rl);
    return rl.rlim_cur > 1000000 ? 1000000 : (int)rl.rlim_cur;
}

struct watch {
    void (*gone)(void *arg);
    void *arg;
};

static void parent_alloc(uv_handle_t *h, size_t size, uv_buf_t *buf)
{
    static char scratch[64];
    *buf = uv_buf_init(scratch, sizeof scratch);
}

static void parent_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
    const struct watch *w = st->data;

    if (n < 0)
        w->gone(w->arg);
}

int cmd__watch_parent(uv_loop_t *loop, uv_pipe_t *p, void (*gone)(void *arg), void *arg)
{
    static struct watch w;   /* one parent per process */

    if (uv_pipe_init(loop, p, 0) != 0)
        return -1;
    w.gone = gone;
    w.arg = arg;
    p->data = &w;
    if (uv_pipe_open(p, 0) != 0 || uv_read_start((uv_stream_t *)p, parent_alloc, parent_read) != 0)
        return 1;
    return 0;
}
