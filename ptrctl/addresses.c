/*
 * Which addresses ptrctl lets a record be created for (--addresses,
 * PTRCTL_ADDRESSES). A PTR record is for an address a tenant holds on the
 * Internet (an elastic IP); some addresses can never be one, and a record
 * for them would only end up as a zone such as 0.0.127.in-addr.arpa.
 *
 *   any          every address the library policy accepts
 *   no-special   (default) not loopback, unspecified ("this network"),
 *                multicast, limited broadcast or reserved, link-local
 *   no-private   no-special, and not private (RFC 1918), shared (CGN, RFC
 *                6598) or unique-local (RFC 4193)
 *   public-only  the library's PTR_POLICY_PUBLIC_ONLY (ptr_addr_is_public):
 *                documentation and every other special-purpose range too
 *
 * The library's policy has a public-only flag but none for "refuse what can
 * never be assigned, allow private and documentation ranges", so that rule
 * lives here, in this one table. The ranges are from the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890) and the address space
 * registries (multicast RFC 5771 and RFC 4291 §2.7, reserved RFC 1112 §4).
 */
#include <string.h>

#include "ptrctl.h"

typedef struct block {
    uint8_t family, len; /* prefix length in bits */
    uint8_t net[16];
    ptrctl_addresses from; /* the first mode that refuses it */
    const char *text, *what;
} block;

/* More specific blocks first: the first match names the reason. */
static const block BLOCKS[] = {
    {4, 32, {255, 255, 255, 255}, PTRCTL_ADDR_NO_SPECIAL, "255.255.255.255", "limited broadcast"},
    {4, 8, {0}, PTRCTL_ADDR_NO_SPECIAL, "0.0.0.0/8, \"this network\"", "unspecified"},
    {4, 8, {127}, PTRCTL_ADDR_NO_SPECIAL, "127.0.0.0/8", "loopback"},
    {4, 16, {169, 254}, PTRCTL_ADDR_NO_SPECIAL, "169.254.0.0/16", "link-local"},
    {4, 4, {224}, PTRCTL_ADDR_NO_SPECIAL, "224.0.0.0/4", "multicast"},
    {4, 4, {240}, PTRCTL_ADDR_NO_SPECIAL, "240.0.0.0/4", "reserved"},
    {4, 8, {10}, PTRCTL_ADDR_NO_PRIVATE, "10.0.0.0/8", "private"},
    {4, 12, {172, 16}, PTRCTL_ADDR_NO_PRIVATE, "172.16.0.0/12", "private"},
    {4, 16, {192, 168}, PTRCTL_ADDR_NO_PRIVATE, "192.168.0.0/16", "private"},
    {4, 10, {100, 64}, PTRCTL_ADDR_NO_PRIVATE, "100.64.0.0/10", "shared (carrier-grade NAT)"},
    {6, 128, {0}, PTRCTL_ADDR_NO_SPECIAL, "::/128", "unspecified"},
    {6, 128, {[15] = 1}, PTRCTL_ADDR_NO_SPECIAL, "::1/128", "loopback"},
    {6, 10, {0xfe, 0x80}, PTRCTL_ADDR_NO_SPECIAL, "fe80::/10", "link-local"},
    {6, 8, {0xff}, PTRCTL_ADDR_NO_SPECIAL, "ff00::/8", "multicast"},
    {6, 7, {0xfc}, PTRCTL_ADDR_NO_PRIVATE, "fc00::/7", "unique-local"},
};

static int in_block(const ptr_addr *a, const block *b)
{
    ptr_addr net = {b->family, {0}};
    memcpy(net.bytes, b->net, sizeof net.bytes);
    return ptr_addr_in_prefix(&net, b->len, a);
}

int ptrctl_addresses_parse(const char *s, ptrctl_addresses *out)
{
    static const struct {
        const char *name;
        ptrctl_addresses mode;
    } names[] = {{"any", PTRCTL_ADDR_ANY},
                 {"no-special", PTRCTL_ADDR_NO_SPECIAL},
                 {"no-private", PTRCTL_ADDR_NO_PRIVATE},
                 {"public-only", PTRCTL_ADDR_PUBLIC_ONLY}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(s, names[i].name) == 0) {
            *out = names[i].mode;
            return 0;
        }
    return -1;
}

ptr_status ptrctl_address_check(const ptrctl *c, const char *s, size_t len, ptr_error *err)
{
    ptr_addr a;
    /* An address that does not parse is the library's to refuse, with its own message. */
    if (c->addresses == PTRCTL_ADDR_ANY || ptr_host_parse(s, len, &a) != PTR_OK)
        return PTR_OK;
    for (size_t i = 0; i < sizeof BLOCKS / sizeof BLOCKS[0]; i++) {
        const block *b = &BLOCKS[i];
        if (c->addresses < b->from || !in_block(&a, b))
            continue;
        ptr_error_clear(err);
        err->status = PTR_E_ADDR_FORBIDDEN;
        err->field = PTR_FIELD_ADDRESS;
        if (b->from == PTRCTL_ADDR_NO_SPECIAL)
            snprintf(err->message, sizeof err->message,
                     "%s address (%s): never an elastic IP (--addresses any allows it)", b->what,
                     b->text);
        else
            snprintf(err->message, sizeof err->message,
                     "%s address (%s): refused by --addresses %s (no-special allows it)", b->what,
                     b->text,
                     c->addresses == PTRCTL_ADDR_PUBLIC_ONLY ? "public-only" : "no-private");
        return PTR_E_ADDR_FORBIDDEN;
    }
    return PTR_OK;
}
