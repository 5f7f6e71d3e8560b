/* Firmware updates and diagnostics / log uploads, simulated as the status progressions
 * a real charge point reports (one step a second): UpdateFirmware → Downloading,
 * Downloaded, Installing, Installed (FirmwareStatusNotification); GetDiagnostics /
 * GetLog → Uploading, Uploaded (DiagnosticsStatusNotification / LogStatusNotification).
 * Nothing is downloaded or uploaded. */
#include "sim_progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cf_log.h"

#define STEP_MS 1000

struct sim_progress {
    uv_timer_t timer;                  /* first: the close callback finds the struct */
    struct sim_progress *next;         /* ch->progress */
    struct sim_charger *ch;
    enum ocpp_action action;           /* the notification */
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
    ch->hooks->handle_closed(ch);
}

static void step_cb(uv_timer_t *t)
{
    struct sim_progress *p = (struct sim_progress *)t;

    sim__call(p->ch, p->action, ocpp_progress_payload(p->steps[p->i], p->request_id));
    if (p->steps[++p->i])
        return;                       /* the repeating timer goes on */
    uv_timer_stop(t);
    uv_close((uv_handle_t *)t, progress_closed);
}

static void start(struct sim_charger *ch, enum ocpp_action action, const char *const *steps,
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

enum sim__next sim__progress_csms_firmware(struct sim_charger *ch, json_t *payload,
                                          const union sim__request *req,
                                          struct sim__reply *r)
{
    r->result = ch->version->firmware_answer();
    CF_CLOG_INFO(ch->identity, "firmware update requested (simulated)");
    start(ch, OCPP_ACTION_FIRMWARE_STATUS, firmware_steps, req->request_id);
    return SIM__NEXT_NONE;
}

enum sim__next sim__progress_csms_diagnostics(struct sim_charger *ch, json_t *payload,
                                             const union sim__request *req,
                                             struct sim__reply *r)
{
    char name[96];

    snprintf(name, sizeof name, "%.60s-diagnostics.log", ch->identity);
    r->result = ch->version->diagnostics_answer(name);
    start(ch, OCPP_ACTION_DIAGNOSTICS_STATUS, upload_steps, req->request_id);
    return SIM__NEXT_NONE;
}

void sim__progress_stop_all(struct sim_charger *ch)
{
    for (struct sim_progress *p = ch->progress; p; p = p->next) {
        if (!uv_is_closing((uv_handle_t *)&p->timer)) {
            uv_timer_stop(&p->timer);
            uv_close((uv_handle_t *)&p->timer, progress_closed);
        }
    }
}
