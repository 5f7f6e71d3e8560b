/* The local authorization list (SendLocalList / GetLocalListVersion): ids the charge
 * point may authorize by itself — while the CSMS is away (LocalAuthorizeOffline), or
 * without waiting for Authorize (LocalPreAuthorize). */
#include "sim_internal.h"

#include <string.h>

#include "cf_log.h"

void sim_local_csms_send(struct sim_charger *ch, struct ocpp_frame *f)
{
    struct ocpp_local_list l;
    char reason[160];
    enum ocpp_error e = ch->version->local_list_parse(f->payload, &l, reason, sizeof reason);

    if (e != OCPP_ERR_NONE) {
        sim_answer_error(ch, f->id, e, reason);
        return;
    }
    /* a difference must be newer than the list it changes */
    if (!l.full && l.version <= ch->local_version) {
        json_decref(l.entries);
        sim_answer(ch, f->id, ocpp_status_payload("VersionMismatch"));
        return;
    }
    if (l.full || !ch->local_list) {
        json_decref(ch->local_list);
        ch->local_list = json_object();
    }
    const char *tag;
    json_t *st;
    json_object_foreach(l.entries, tag, st) {
        if (json_is_null(st))
            json_object_del(ch->local_list, tag);
        else
            json_object_set(ch->local_list, tag, st);
    }
    json_decref(l.entries);
    ch->local_version = l.version;
    CF_CLOG_INFO(ch->identity, "local authorization list version %d: %zu ids", l.version,
                json_object_size(ch->local_list));
    sim_answer(ch, f->id, ocpp_status_payload("Accepted"));
}

void sim_local_csms_version(struct sim_charger *ch, struct ocpp_frame *f)
{
    sim_answer(ch, f->id, ch->version->local_version_answer(ch->local_version));
}

int sim_local_status(const struct sim_charger *ch, const char *id_tag)
{
    const char *st = json_string_value(json_object_get(ch->local_list, id_tag));
    return !st ? -1 : strcmp(st, "Accepted") == 0;
}
