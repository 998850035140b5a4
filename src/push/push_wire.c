/*
 * The UPDATE messages (RFC 2136) and their answers, on libknot: the zone
 * section names the reverse zone (class IN, type SOA, §2.3); each change
 * is, in the update section, "delete the PTR RRset of this name" (class
 * ANY, TTL 0, no RDATA, §2.5.2) then "add these PTR records" (class IN,
 * §2.5.1). Applied in order, the pair leaves exactly the names sent,
 * whatever the zone held: sending the message again changes nothing more,
 * so a retry after a lost answer is safe. No prerequisites.
 *
 * The message is signed with TSIG (RFC 8945) and the answer's TSIG is
 * checked against the request's MAC: only a signed NOERROR confirms.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "push_internal.h"

static uint16_t message_id(void)
{
    uint16_t id;
    if (getrandom(&id, sizeof id, GRND_NONBLOCK) == (ssize_t)sizeof id)
        return id;
    /* No entropy yet (early boot): the TSIG MAC, not the ID, is what authenticates. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint16_t)(ts.tv_nsec ^ (ts.tv_nsec >> 16));
}

ptr_status push_msg_begin(push_msg *m, const push_route *route, size_t limit)
{
    memset(m, 0, sizeof *m);
    m->route = route;
    m->limit = limit;
    m->pkt = knot_pkt_new(NULL, (uint16_t)limit, NULL);
    if (!m->pkt)
        return PTR_E_NOMEM;
    m->id = message_id();
    knot_wire_set_id(m->pkt->wire, m->id);
    knot_wire_set_opcode(m->pkt->wire, KNOT_OPCODE_UPDATE);
    if (knot_pkt_put_question(m->pkt, route->zone_dname, KNOT_CLASS_IN, KNOT_RRTYPE_SOA) !=
            KNOT_EOK ||
        knot_pkt_begin(m->pkt, KNOT_AUTHORITY) != KNOT_EOK ||
        knot_pkt_reserve(m->pkt, (uint16_t)knot_tsig_wire_size(&route->key)) != KNOT_EOK) {
        push_msg_free(m);
        return PTR_E_BUFFER; /* max_message too small for the zone and the key */
    }
    return PTR_OK;
}

/* Put one RRset of owner: delete (class ANY, no names) or add (class IN). */
static int put_rrset(push_msg *m, const knot_dname_t *owner, uint16_t rclass, uint32_t ttl,
                     const char *names, size_t count)
{
    knot_rrset_t rr;
    knot_rrset_init(&rr, (knot_dname_t *)owner, KNOT_RRTYPE_PTR, rclass, ttl);
    int rc = KNOT_EOK;
    if (count == 0) { /* RFC 2136 §2.5.2: RDLENGTH 0 */
        rc = knot_rrset_add_rdata(&rr, NULL, 0, NULL);
    }
    for (size_t i = 0; i < count && rc == KNOT_EOK; i++) {
        uint8_t wire[KNOT_DNAME_MAXLEN];
        if (!knot_dname_from_str(wire, names, sizeof wire)) {
            rc = KNOT_EINVAL;
            break;
        }
        knot_dname_to_lower(wire);
        rc = knot_rrset_add_rdata(&rr, wire, (uint16_t)knot_dname_size(wire), NULL);
        names += strlen(names) + 1;
    }
    if (rc == KNOT_EOK)
        rc = knot_pkt_put(m->pkt, KNOT_COMPR_HINT_NONE, &rr, 0);
    knot_rdataset_clear(&rr.rrs, NULL);
    return rc;
}

ptr_status push_msg_add(push_msg *m, const push_change_wire *c)
{
    char rev[PTR_REVNAME_BUFSZ];
    size_t rlen;
    knot_dname_storage_t owner;
    if (ptr_revname(c->addr, PTR_FQDN, rev, sizeof rev, &rlen) != PTR_OK ||
        !knot_dname_from_str(owner, rev, sizeof owner))
        return PTR_E_INVAL;
    /* The most the pair can take uncompressed: it fits, or the message is left as it is. */
    const size_t owner_len = knot_dname_size(owner);
    size_t need = owner_len + 10;
    const char *n = c->names;
    for (size_t i = 0; i < c->name_count; i++) {
        const size_t len = strlen(n);
        need += owner_len + 10 + len + 2;
        n += len + 1;
    }
    if (m->pkt->size + m->pkt->reserved + need > m->pkt->max_size)
        return PTR_E_BUFFER;
    if (put_rrset(m, owner, KNOT_CLASS_ANY, 0, NULL, 0) != KNOT_EOK ||
        put_rrset(m, owner, KNOT_CLASS_IN, c->ttl, c->names, c->name_count) != KNOT_EOK)
        return PTR_E_NAME; /* the estimate above leaves room: only a bad name gets here */
    return PTR_OK;
}

ptr_status push_msg_sign(push_msg *m)
{
    const uint16_t reserved = m->pkt->reserved;
    knot_pkt_reclaim(m->pkt, reserved);
    m->mac_len = sizeof m->mac;
    const int rc = knot_tsig_sign(m->pkt->wire, &m->pkt->size, m->pkt->max_size, NULL, 0, m->mac,
                                  &m->mac_len, &m->route->key, 0, 0);
    return rc == KNOT_EOK ? PTR_OK : PTR_E_BUFFER;
}

void push_msg_free(push_msg *m)
{
    knot_pkt_free(m->pkt);
    m->pkt = NULL;
}

static const char *rcode_name(int rcode)
{
    const knot_lookup_t *l = knot_lookup_by_id(knot_rcode_names, rcode);
    return l && l->name ? l->name : "RCODE?";
}

push_answer_kind push_msg_answer(const push_msg *m, uint8_t *wire, size_t len, char *reason,
                                 size_t cap)
{
    if (len > UINT16_MAX) {
        snprintf(reason, cap, "an answer larger than a DNS message");
        return PUSH_ANSWER_UNVERIFIED;
    }
    knot_pkt_t *a = knot_pkt_new(wire, (uint16_t)len, NULL);
    if (!a) {
        snprintf(reason, cap, "out of memory reading the answer");
        return PUSH_ANSWER_UNVERIFIED;
    }
    push_answer_kind kind;
    if (knot_pkt_parse(a, 0) != KNOT_EOK) {
        snprintf(reason, cap, "a malformed answer");
        kind = PUSH_ANSWER_UNVERIFIED;
        goto out;
    }
    if (knot_wire_get_id(a->wire) != m->id || !knot_wire_get_qr(a->wire) ||
        knot_wire_get_opcode(a->wire) != KNOT_OPCODE_UPDATE) {
        snprintf(reason, cap, "an answer to another message");
        kind = PUSH_ANSWER_UNVERIFIED;
        goto out;
    }
    const int rcode = knot_wire_get_rcode(a->wire);
    const char *name = rcode_name(rcode);
    if (!a->tsig_rr) {
        /* An error claims nothing changed, signed or not; only a confirmation must be signed. */
        snprintf(reason, cap,
                 rcode ? "%s (an unsigned answer)" : "%s without TSIG: not a confirmation", name);
        kind = rcode ? PUSH_ANSWER_REFUSED : PUSH_ANSWER_UNVERIFIED;
        goto out;
    }
    const uint16_t tsig_error = knot_tsig_rdata_error(a->tsig_rr);
    if (tsig_error) { /* RFC 8945 §5.3: the server could not check our signature */
        const knot_lookup_t *l = knot_lookup_by_id(knot_tsig_rcode_names, tsig_error);
        snprintf(reason, cap, "%s (%s)", name, l && l->name ? l->name : "TSIG error");
        kind = PUSH_ANSWER_REFUSED;
        goto out;
    }
    const int check =
        knot_tsig_client_check(a->tsig_rr, a->wire, a->size, m->mac, m->mac_len, &m->route->key, 0);
    if (check != KNOT_EOK) {
        snprintf(reason, cap,
                 rcode ? "%s (the answer's TSIG does not check: %s)"
                       : "%s whose TSIG does not check (%s): not a confirmation",
                 name, knot_strerror(check));
        kind = rcode ? PUSH_ANSWER_REFUSED : PUSH_ANSWER_UNVERIFIED;
        goto out;
    }
    if (rcode != KNOT_RCODE_NOERROR) {
        snprintf(reason, cap, "%s", name);
        kind = PUSH_ANSWER_REFUSED;
        goto out;
    }
    reason[0] = '\0';
    kind = PUSH_ANSWER_CONFIRMED;
out:
    knot_pkt_free(a);
    return kind;
}
