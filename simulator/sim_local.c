/* The local authorization list (SendLocalList / GetLocalListVersion): ids the charge
 * point may authorize by itself — while the CSMS is away (LocalAuthorizeOffline), or
 * without waiting for Authorize (LocalPreAuthorize). */
#include "sim_local.h"

#include <string.h>

#include "cf_log.h"

enum sim__next sim__local_csms_send(struct sim_charger *ch, json_t *payload,
                                   const union sim__request *req, struct sim__reply *r)
{
    const struct ocpp_local_list l = req->local;

    /* a difference must be newer than the list it changes */
    if (!l.full && l.version <= ch->local_version) {
        json_decref(l.entries);
        return sim__reply_status(r, "VersionMismatch");
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
    return sim__reply_status(r, "Accepted");
}

enum sim__next sim__local_csms_version(struct sim_charger *ch, json_t *payload,
                                      const union sim__request *req, struct sim__reply *r)
{
    r->result = ch->version->local_version_answer(ch->local_version);
    return SIM__NEXT_NONE;
}

int sim__local_status(const struct sim_charger *ch, const char *id_tag)
{
    const char *st = json_string_value(json_object_get(ch->local_list, id_tag));
    return !st ? -1 : strcmp(st, "Accepted") == 0;
}
