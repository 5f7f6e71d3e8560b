/* The charger log writer: a runtime hands it every frame and connection event of the
 * chargers it holds (sim_events.log); it writes them to charger_logs in batches. The
 * backlog is bounded: past max_pending entries new ones are dropped, counted and said
 * in the process log, never silently. */
#ifndef ORCH_LOGS_H
#define ORCH_LOGS_H

#include "db.h"
#include "sim_runtime.h"

struct orch_logs;

/* on_written(arg) runs after every write to the database (done or failed). */
struct orch_logs *orch_logs_new(struct db *db, size_t max_pending, void (*on_written)(void *),
                                void *arg);
void orch_logs_add(struct orch_logs *l, const char *charger_id, const struct sim_log *e);
/* Writes the backlog (batches of a few thousand, one after the other) unless a write
 * is in flight. Returns 1 when a write started. */
int orch_logs_flush(struct orch_logs *l);
/* Entries waiting, and whether a write is in flight. */
size_t orch_logs_pending(const struct orch_logs *l);
int orch_logs_busy(const struct orch_logs *l);
void orch_logs_free(struct orch_logs *l);

#endif
