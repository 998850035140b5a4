/**
 * \file libptr/zone.h
 * \brief Zone export: the records of a region as RFC 1035 master files
 * (RFC 1035 §5), one per reverse zone, that BIND, Knot and NSD load
 * unchanged. docs/zones.md shows a file and how CI checks them.
 *
 * \par Zones
 * IPv4 zones are cut at /24 ("113.0.203.in-addr.arpa."); IPv6 zones at
 * ptr_zone_options.ipv6_prefix (default /64, a nibble boundary:
 * "0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."). A zone exists when at least
 * one record falls in it; an empty region gives no zone at all.
 *
 * \par RFC 2317 classless delegation
 * ptr_zone_options.classless lists IPv4 blocks of /25../31, each inside one
 * /24. A block gets its own zone, named as RFC 2317 §4 does
 * ("0/26.113.0.203.in-addr.arpa.", ptr_revzone() with
 * ::PTR_REVZONE_RFC2317_SLASH), holding the block's PTR records; its parent
 * /24 zone holds, instead of PTRs for those addresses, the delegation (one NS
 * line per NS name at the block's label) and a CNAME for every address of
 * the block into the child ("10 IN CNAME 10.0/26.113.0.203.in-addr.arpa.").
 * A block's zone and its parent exist even when no record falls in them (the
 * delegation is configuration, not data). Each child follows its parent,
 * blocks in address order.
 *
 * \par Deleted records
 * A record deleted while DNS may still answer it stays in the store with
 * action ::PTR_ACTION_DELETE until a push confirms the delete (service.h,
 * "Live DNS"). The zones hold what DNS should answer, so such a record never
 * gives its old names: ptr_ctx_zone_export() writes the address's default
 * name (the context's policy: its template and default TTL), as
 * ptr_ctx_resolve() answers; ptr_zone_export(), which has no policy, leaves
 * the address out. Pending creates and updates give their new names.
 *
 * \par A zone's text
 * `$ORIGIN` (the zone), `$TTL` (default_ttl), the SOA (primary, contact,
 * serial, refresh, retry, expire, minimum), one NS line per NS name, then one
 * PTR line per name of each record, in address order, with the record's own
 * TTL. Owner names are relative to `$ORIGIN` ("10" for 203.0.113.10);
 * every name in RDATA is absolute. Only ASCII; lines end in "\n".
 *
 * \par Consistency, memory, and the sink
 * The records are read in one read transaction of the store, so the zones
 * are one consistent snapshot. Their text is built in memory while that
 * transaction is open (about 40 bytes per name) and only handed to the sink
 * after it ends: a sink may be slow (disk, network) without holding the
 * store's lock (the memory store blocks every writer during any
 * transaction), and no callback ever runs inside a store transaction (the
 * rule of store.h). So a failure of the options, the store or memory
 * happens before the sink's first call, and the sink sees either whole
 * zones or its own failure.
 *
 * \par Thread safety
 * As the store: any number of exports may run at once on a thread-safe
 * store. The options and the sink are only read.
 */
#ifndef LIBPTR_ZONE_H
#define LIBPTR_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/record.h>
#include <libptr/service.h>
#include <libptr/store.h>

PTR_BEGIN_DECLS

/**
 * \brief An IPv4 block delegated by RFC 2317 (ptr_zone_options.classless).
 */
typedef struct ptr_zone_block {
    ptr_addr net;        /**< the block's first address: IPv4, bits beyond prefix_len zero */
    uint32_t prefix_len; /**< 25..31 (a /24 or shorter needs no RFC 2317; a /32 is one address) */
} ptr_zone_block;

/**
 * \brief Zone contents and SOA values. Start from ptr_zone_options_init().
 *
 * Names (ns, primary, contact) are checked with ptr_name_normalize() (host
 * name rules, at least two labels) and written in its normal form (lower
 * case, trailing dot). The contact is the SOA RNAME (RFC 1035 §3.3.13), a
 * domain name whose first label is the mailbox: "hostmaster.example.com."
 * for hostmaster@example.com. An e-mail address ("user@host") is refused,
 * not converted: the caller converts, and a mailbox with a dot in it
 * ("john.doe@") cannot be written here at all, as it would need an escape.
 */
typedef struct ptr_zone_options {
    uint32_t struct_size; /**< sizeof(ptr_zone_options), set by ptr_zone_options_init() */
    /**
     * SOA serial, written as it is. Secondaries compare serials with RFC 1982
     * arithmetic, so a new export must carry a larger one; choosing it (a
     * counter, or YYYYMMDDnn) is the caller's job.
     */
    uint32_t serial;
    const ptr_text *ns; /**< NS names; none: "ns1.example.com." */
    size_t ns_count;    /**< number of \c ns; no two may be equal once normalized */
    ptr_text primary;   /**< SOA MNAME; empty: the first NS */
    ptr_text contact;   /**< SOA RNAME as a name; empty: "hostmaster.example.com." */
    uint32_t refresh;   /**< SOA refresh, seconds (init: 3600) */
    uint32_t retry;     /**< SOA retry, seconds (init: 600) */
    uint32_t expire;    /**< SOA expire, seconds (init: 1209600, two weeks) */
    /**
     * SOA minimum: the TTL of negative answers (RFC 2308 §4), at most
     * 2147483647 (RFC 2181 §8) (init: 300)
     */
    uint32_t minimum;
    /** $TTL: the TTL of the SOA and NS records, at most 2147483647 (init: 3600) */
    uint32_t default_ttl;
    uint32_t ipv6_prefix; /**< IPv6 zone cut, a multiple of 4 in 4..124 (init: 64) */
    uint32_t reserved[8]; /**< zero (a non-zero value is refused, for later options) */
    /**
     * RFC 2317 blocks (see the file comment); NULL with count 0: none. No two
     * may overlap. A struct_size from before these two fields (libptr 0.2.1)
     * means none.
     */
    const ptr_zone_block *classless;
    size_t classless_count; /**< number of \c classless */
} ptr_zone_options;

/**
 * \brief ptr_error.index for a bad SOA primary (field ::PTR_FIELD_NAME); an
 * NS name's index is its position in ptr_zone_options.ns.
 */
#define PTR_ZONE_INDEX_PRIMARY 0xFFFFFFFEu
/** \brief ptr_error.index for a bad SOA contact (field ::PTR_FIELD_NAME). */
#define PTR_ZONE_INDEX_CONTACT 0xFFFFFFFFu

/** \brief Set the defaults listed above, serial 1, and zero the rest. NULL is ignored. */
PTR_API void ptr_zone_options_init(ptr_zone_options *o);

/**
 * \brief Where the zones go: called in order begin, write..., end for each
 * zone, zones in address order (IPv4 first). Each returns ::PTR_OK to go on;
 * any other status stops the export at once, which returns it, and no
 * further call is made (not even end: the sink knows it failed, and cleans
 * up then). Nothing but the sink can fail once the first begin is called.
 */
typedef struct ptr_zone_sink {
    /** A zone starts; \p zone is its name with the trailing dot, NUL-terminated. */
    ptr_status (*begin)(void *user, const char *zone, size_t zone_len);
    /** Text of the current zone, in pieces of any size (not NUL-terminated). */
    ptr_status (*write)(void *user, const char *text, size_t len);
    /** The current zone is complete. */
    ptr_status (*end)(void *user);
    void *user; /**< passed first to each */
} ptr_zone_sink;

/**
 * \brief Write every record of \p region in \p store as zones.
 *
 * Options are checked first, then the store is read (one ::PTR_TXN_READ
 * transaction, ptr_store_scan() with a region-only filter), then the sink is
 * called. ::PTR_E_BUSY is not retried here: call again.
 *
 * \param[in]  store      the store
 * \param[in]  region     the region (1 byte or more)
 * \param[in]  region_len its length
 * \param[in]  opts       NULL: ptr_zone_options_init()'s
 * \param[in]  sink       where the text goes; all three functions required
 * \param[out] zones      optional; the number of zones the sink ended (also on failure)
 * \param[out] err        optional; on failure, what went wrong. A bad name
 *                        option: ::PTR_FIELD_NAME, index i for ns[i] or
 *                        ::PTR_ZONE_INDEX_PRIMARY / ::PTR_ZONE_INDEX_CONTACT,
 *                        the byte offset in that name. A bad number option or
 *                        argument: ::PTR_FIELD_NONE (::PTR_FIELD_REGION for
 *                        the region), index and offset 0. The message says
 *                        which option.
 * \retval PTR_OK
 * \retval PTR_E_NAME      an NS, primary or contact that is not a valid name
 * \retval PTR_E_NAME_DUP  the same NS name twice
 * \retval PTR_E_INVAL     a NULL argument or sink function, an empty region,
 *                         a struct_size smaller than libptr 0.2.1's, non-zero
 *                         reserved, a bad ipv6_prefix, minimum or default_ttl,
 *                         a bad classless block (::PTR_FIELD_ADDRESS, index:
 *                         its position in ptr_zone_options.classless; not
 *                         IPv4, not /25../31, host bits set, or overlapping
 *                         an earlier block)
 * \retval PTR_E_STORE     the store failed, or gave records out of address
 *                         order, without names, or with a name holding a
 *                         byte a host name cannot have (nothing is written)
 * \retval PTR_E_BUSY, PTR_E_NOMEM, or the status a sink function returned
 */
PTR_API ptr_status ptr_zone_export(ptr_store *store, const char *region, size_t region_len,
                                   const ptr_zone_options *opts, const ptr_zone_sink *sink,
                                   size_t *zones, ptr_error *err);

/**
 * \brief ptr_zone_export() over the context's store, with the context's
 * policy for deleted records: an address whose record waits for its delete
 * (::PTR_ACTION_DELETE) gets its default name and the policy's default TTL,
 * what ptr_ctx_resolve() answers, instead of being left out.
 *
 * Arguments, checks and statuses as ptr_zone_export(); \p ctx NULL is
 * ::PTR_E_INVAL.
 */
PTR_API ptr_status ptr_ctx_zone_export(ptr_ctx *ctx, const char *region, size_t region_len,
                                       const ptr_zone_options *opts, const ptr_zone_sink *sink,
                                       size_t *zones, ptr_error *err);

PTR_END_DECLS

#endif /* LIBPTR_ZONE_H */
