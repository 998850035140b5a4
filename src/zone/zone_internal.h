/*
 * Zone export internals shared by zone.c (the export) and classless.c (the
 * RFC 2317 blocks: their checks, the zone each address belongs to, and the
 * parent's delegation text).
 */
#ifndef PTR_ZONE_INTERNAL_H
#define PTR_ZONE_INTERNAL_H

#include "record/record_internal.h"
#include "libptr/zone.h"

/* A checked RFC 2317 block. */
typedef struct ptr__zblock {
    ptr_addr net;
    unsigned plen;
    char zone[PTR_REVNAME_BUFSZ]; /* "0/26.113.0.203.in-addr.arpa.", NUL-terminated */
    size_t zone_len;
    size_t label_len; /* of its first label, "0/26": the owner of the delegation */
    size_t pos;       /* its position in ptr_zone_options.classless, for messages */
} ptr__zblock;

/*
 * The options' blocks, checked, in address order, into a new array of the
 * allocator (*out NULL when there are none). Refuses, naming the block by
 * its position (PTR_FIELD_ADDRESS, index): not IPv4, not /25../31, host bits
 * set, or overlapping another block.
 */
ptr_status ptr__zone_blocks(const ptr_zone_options *o, const ptr_allocator *al, ptr__zblock **out,
                            size_t *n, ptr_error *err);

/* The block holding a, or NULL; blocks in address order. */
const ptr__zblock *ptr__zone_block_of(const ptr__zblock *b, size_t n, const ptr_addr *a);

/* The bytes ptr__zone_delegation_put writes at most for one block with these NS lines. */
size_t ptr__zone_delegation_room(size_t ns_lines_len, size_t ns_count);

/*
 * The parent's lines for a block at p: an NS line per NS at the block's
 * label (ns_lines: "\tIN\tNS\tname.\n" per NS), then a CNAME per address of
 * the block into the child zone (RFC 2317 §4). Returns the end.
 */
char *ptr__zone_delegation_put(char *p, const ptr__zblock *b, const char *ns_lines,
                               size_t ns_lines_len);

#endif
