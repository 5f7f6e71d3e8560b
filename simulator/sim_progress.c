/* Firmware updates and diagnostics / log uploads, simulated as the status progressions
 * a real charge point reports (one step a second): UpdateFirmware → Downloading,
 * Downloaded, Installing, Installed (FirmwareStatusNotification); GetDiagnostics /
 * GetLog → Uploading, Uploaded (DiagnosticsStatusNotification / LogStatusNotification).
 * Nothing is downloaded or uploaded. */
#include "sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"

#define STEP_MS 1000

struct sim_progress {
    uv_timer_t timer;                  /* first: the close callback finds the struct */
    struct sim_progress *next;         /* ch->progress */
    struct sim_charger *ch;
    const char *action;                /* the notification, a static string */
    const char *const *steps;          /* statuses, NULL-terminated */
    int i, request_id;
};

static const char *const firmware_steps[] = {"Downloading", "Downloaded", "Installing",
                                             "Installed", NULL};
static const char *const upload_steps[] = {"Uploading", "Uploaded", NULL};

static void progress_closed(uv_handle_t *h)
{
    struct sim_progress *p = (struct sim_progress *)h;
    struct sim_charger *ch = p->ch;

    for (struct sim_progress **pp = &ch->progress; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    free(p);
    sim_handle_closed(ch);
}

static void step_cb(uv_timer_t *t)
{
    struct sim_progress *p = (struct sim_progress *)t;

    sim_call(p->ch, p->action, ocpp_progress_payload(p->steps[p->i], p->request_id), -1, 0);
    if (p->steps[++p->i])
        return;                       /* the repeating timer goes on */
    uv_timer_stop(t);
    uv_close((uv_handle_t *)t, progress_closed);
}

static void start(struct sim_charger *ch, const char *action, const char *const *steps,
                  int request_id)
{
    struct sim_progress *p = calloc(1, sizeof *p);
    if (!p)
        return;
    p->ch = ch;
    p->action = action;
    p->steps = steps;
    p->request_id = request_id;
    p->next = ch->progress;
    ch->progress = p;
    uv_timer_init(ch->rt->loop, &p->timer);
    ch->handles_open++;
    uv_timer_start(&p->timer, step_cb, STEP_MS, STEP_MS);
}

void sim_progress_csms_firmware(struct sim_charger *ch, struct ocpp_frame *f)
{
    int request_id;
    char reason[160];
    enum ocpp_error e = ch->version->firmware_parse(f->payload, &request_id, reason,
                                                    sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    sim_answer(ch, f->id, ch->version->firmware_answer());
    CF_CLOG_INFO(ch->identity, "firmware update requested (simulated)");
    start(ch, "FirmwareStatusNotification", firmware_steps, request_id);
}

void sim_progress_csms_diagnostics(struct sim_charger *ch, struct ocpp_frame *f)
{
    int request_id;
    char reason[160], name[96];
    enum ocpp_error e = ch->version->diagnostics_parse(f->payload, &request_id, reason,
                                                       sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    snprintf(name, sizeof name, "%.60s-diagnostics.log", ch->identity);
    sim_answer(ch, f->id, ch->version->diagnostics_answer(name));
    start(ch, ch->version->diagnostics_status_action, upload_steps, request_id);
}

void sim_progress_stop_all(struct sim_charger *ch)
{
    for (struct sim_progress *p = ch->progress; p; p = p->next) {
        if (!uv_is_closing((uv_handle_t *)&p->timer)) {
            uv_timer_stop(&p->timer);
            uv_close((uv_handle_t *)&p->timer, progress_closed);
        }
    }
}
