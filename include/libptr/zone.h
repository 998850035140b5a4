/**
 * \file libptr/zone.h
 * \brief Zone export: the records of a region as RFC 1035 master files, one
 * per reverse zone, that BIND, Knot and NSD load unchanged.
 *
 * Zones are cut at /24 for IPv4 ("113.0.203.in-addr.arpa.") and at
 * ptr_zone_options.ipv6_prefix (default /64, a nibble boundary) for IPv6.
 * Each zone has $ORIGIN, $TTL, an SOA (primary, contact, serial and timers
 * from the options), NS records, and one PTR line per name of each record,
 * with the record's TTL. Records are read in one read transaction of the
 * store, in address order, so each zone's records come together.
 */
#ifndef LIBPTR_ZONE_H
#define LIBPTR_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/record.h>
#include <libptr/store.h>

PTR_BEGIN_DECLS

/** \brief Zone contents and SOA values. Start from ptr_zone_options_init(). */
typedef struct ptr_zone_options {
    uint32_t struct_size;   /**< sizeof(ptr_zone_options), set by ptr_zone_options_init() */
    uint32_t serial;        /**< SOA serial (RFC 1982 arithmetic is the caller's) */
    const ptr_text *ns;     /**< NS names (normalized on output); none: "ns1.example.com." */
    size_t ns_count;        /**< number of \c ns */
    ptr_text primary;       /**< SOA MNAME; empty: the first NS */
    ptr_text contact;       /**< SOA RNAME as a name ("hostmaster.example.com"); empty: that */
    uint32_t refresh;       /**< SOA refresh (init: 3600) */
    uint32_t retry;         /**< SOA retry (init: 600) */
    uint32_t expire;        /**< SOA expire (init: 1209600) */
    uint32_t minimum;       /**< SOA minimum, the negative-caching TTL (init: 300) */
    uint32_t default_ttl;   /**< $TTL, for the SOA and NS records (init: 3600) */
    uint32_t ipv6_prefix;   /**< IPv6 zone cut, a multiple of 4 in 4..124 (init: 64) */
    uint32_t reserved[8];   /**< zero */
} ptr_zone_options;

/** \brief Set the defaults listed above, serial 1. */
PTR_API void ptr_zone_options_init(ptr_zone_options *o);

/**
 * \brief Where the zones go: called in order begin, write..., end for each
 * zone. Each returns ::PTR_OK to go on; any other status stops the export,
 * which returns it.
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
 * \param[in]  store      the store (read in one read transaction)
 * \param[in]  region     the region
 * \param[in]  region_len its length
 * \param[in]  opts       NULL: ptr_zone_options_init()'s
 * \param[in]  sink       where the text goes
 * \param[out] zones      optional; number of zones written
 * \param[out] err        optional; a bad option is named (NS or contact name)
 * \retval PTR_OK
 * \retval PTR_E_NAME  an NS, primary or contact that is not a valid name
 * \retval PTR_E_INVAL NULL argument, or a bad ipv6_prefix
 * \retval PTR_E_BUSY, PTR_E_STORE, PTR_E_NOMEM, or a sink's status
 */
PTR_API ptr_status ptr_zone_export(ptr_store *store, const char *region, size_t region_len,
                                   const ptr_zone_options *opts, const ptr_zone_sink *sink,
                                   size_t *zones, ptr_error *err);

PTR_END_DECLS

#endif /* LIBPTR_ZONE_H */
