/**
 * \file libptr/record.h
 * \brief The PTR record: an opaque object with constructors, setters and
 * accessors; the plain request struct that creates or updates one; and the
 * default name an address answers with when it has no record.
 *
 * A ::ptr_record is opaque so that its layout can change without breaking
 * bindings: every field is reached through a function. Text returned by an
 * accessor is NUL-terminated, belongs to the record, and stays valid until
 * the record is next changed (by a setter, ptr_record_reset(), or a libptr
 * call that fills it) or freed.
 *
 * A record is not locked: one thread at a time may change it, any number may
 * read it while nobody changes it.
 */
#ifndef LIBPTR_RECORD_H
#define LIBPTR_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/addr.h>
#include <libptr/alloc.h>
#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/fields.h>
#include <libptr/policy.h>

PTR_BEGIN_DECLS

/** \brief A (pointer, length) view of text; \c s may be NULL when \c len is 0. */
typedef struct ptr_text {
    const char *s; /**< the bytes; need not be NUL-terminated */
    size_t len;    /**< their number */
} ptr_text;

/** \brief A PTR record (opaque). Made by ptr_record_new(), freed by ptr_record_free(). */
typedef struct ptr_record ptr_record;

/**
 * \brief Where a record stands with the name servers (the cloud APIs'
 * `status`). The values are stable: stores keep them as numbers.
 *
 * A write makes its record pending; a push to the servers (libptr-push, or
 * any pusher through ptr_ctx_pending() and ptr_ctx_dns_results()) makes it
 * ::PTR_DNS_ACTIVE once a server confirmed it, or ::PTR_DNS_ERROR with the
 * reason. See docs/push.md.
 */
typedef enum ptr_dns_status {
    PTR_DNS_ACTIVE = 0,         /**< the servers answer what the record says */
    PTR_DNS_PENDING_CREATE = 1, /**< created; not yet confirmed by a server */
    PTR_DNS_PENDING_UPDATE = 2, /**< changed; not yet confirmed by a server */
    PTR_DNS_PENDING_DELETE = 3, /**< deleted; kept until the servers answer the default name */
    PTR_DNS_ERROR = 4           /**< a server refused the change; ptr_record_dns_error() says why */
} ptr_dns_status;

/** \brief The change a pending record waits for (the cloud APIs' `action`). Stable values. */
typedef enum ptr_dns_action {
    PTR_ACTION_NONE = 0,   /**< nothing to send */
    PTR_ACTION_CREATE = 1, /**< the record's names, first time */
    PTR_ACTION_UPDATE = 2, /**< the record's new names or TTL */
    PTR_ACTION_DELETE = 3  /**< the default name again */
} ptr_dns_action;

/** \brief "ACTIVE", "PENDING_CREATE", ...; "UNKNOWN" for other values. Never NULL. */
PTR_API const char *ptr_dns_status_name(ptr_dns_status st);
/** \brief "NONE", "CREATE", "UPDATE", "DELETE"; "UNKNOWN" for other values. Never NULL. */
PTR_API const char *ptr_dns_action_name(ptr_dns_action a);

/**
 * \brief Make an empty record: no text, address family 0, TTL 0, revision 0.
 *
 * \param[in]  alloc optional allocator for the record's memory; copied.
 *                   NULL means the C library.
 * \param[out] out   the new record
 * \retval PTR_OK
 * \retval PTR_E_NOMEM
 * \retval PTR_E_INVAL \p out NULL, or an allocator with a NULL function
 */
PTR_API ptr_status ptr_record_new(const ptr_allocator *alloc, ptr_record **out);

/** \brief Free a record and everything it holds. NULL is ignored. */
PTR_API void ptr_record_free(ptr_record *r);

/**
 * \brief Empty a record as ptr_record_new() made it, keeping its memory for
 * reuse (filling a reset record again usually allocates nothing).
 */
PTR_API void ptr_record_reset(ptr_record *r);

/**
 * \brief Make room in \p r for \p text bytes of text in all, \p names names
 * and \p tags tags, so that the setters then fill it without allocating (a
 * store rebuilding records from rows reserves once per row). Optional: the
 * setters grow the record as needed. Changes no field.
 * \retval PTR_OK
 * \retval PTR_E_NOMEM (the record is unchanged)
 * \retval PTR_E_INVAL NULL \p r, or sizes of 4 GiB or more
 */
PTR_API ptr_status ptr_record_reserve(ptr_record *r, size_t text, size_t names, size_t tags);

/**
 * \brief Make a new record, an exact copy of \p src, in one allocation: its
 * text and lists lie right after the object, sized to fit (what a store that
 * keeps records in memory wants: one block per record, read in one sweep).
 * It is an ordinary record: setters that need more room move its text or
 * lists to blocks of their own.
 * \param[in]  src   the record to copy
 * \param[in]  alloc optional allocator, copied; NULL means the C library
 * \param[out] out   the copy; free with ptr_record_free()
 * \retval PTR_OK
 * \retval PTR_E_NOMEM
 * \retval PTR_E_INVAL NULL \p src or \p out, or an allocator with a NULL function
 */
PTR_API ptr_status ptr_record_dup(const ptr_record *src, const ptr_allocator *alloc,
                                  ptr_record **out);

/**
 * \brief Make \p dst an exact copy of \p src (allocating through \p dst's
 * allocator). On failure \p dst is left reset.
 * \retval PTR_OK
 * \retval PTR_E_NOMEM
 * \retval PTR_E_INVAL NULL argument
 */
PTR_API ptr_status ptr_record_copy(ptr_record *dst, const ptr_record *src);

/**
 * \name Setters
 * The one way to fill a record: for store adapters that rebuild a record
 * from a row, for the service, and for tests. They copy the text and check
 * nothing beyond the pointers: the service validates
 * and normalizes before anything reaches a store. Each returns ::PTR_OK,
 * ::PTR_E_NOMEM (the record is unchanged) or ::PTR_E_INVAL (NULL record, or
 * NULL text with a length above 0, or text of 4 GiB or more).
 * \{
 */
/** \brief Set the region (part of the record's id and of its uniqueness key). */
PTR_API ptr_status ptr_record_set_region(ptr_record *r, const char *s, size_t len);
/** \brief Set the project the record belongs to. */
PTR_API ptr_status ptr_record_set_project(ptr_record *r, const char *s, size_t len);
/** \brief Set the owner: the account the record is charged to. */
PTR_API ptr_status ptr_record_set_owner(ptr_record *r, const char *s, size_t len);
/** \brief Set the address. \retval PTR_E_INVAL also for a family other than 4 or 6. */
PTR_API ptr_status ptr_record_set_address(ptr_record *r, const ptr_addr *a);
/** \brief Append one domain name (store it normalized: lower case, trailing dot). */
PTR_API ptr_status ptr_record_add_name(ptr_record *r, const char *s, size_t len);
/** \brief Remove every name. */
PTR_API ptr_status ptr_record_clear_names(ptr_record *r);
/** \brief Set the TTL in seconds. */
PTR_API ptr_status ptr_record_set_ttl(ptr_record *r, uint32_t ttl);
/** \brief Set the description (may be empty). */
PTR_API ptr_status ptr_record_set_description(ptr_record *r, const char *s, size_t len);
/** \brief Append one tag; \p value may be NULL when \p value_len is 0. */
PTR_API ptr_status ptr_record_add_tag(ptr_record *r, const char *key, size_t key_len,
                                      const char *value, size_t value_len);
/** \brief Remove every tag. */
PTR_API ptr_status ptr_record_clear_tags(ptr_record *r);
/** \brief Set the creation time, in seconds since the Unix epoch. */
PTR_API ptr_status ptr_record_set_created(ptr_record *r, int64_t t);
/** \brief Set the time of the last change, in seconds since the Unix epoch. */
PTR_API ptr_status ptr_record_set_updated(ptr_record *r, int64_t t);
/** \brief Set the revision (1 when created, one more on every change). */
PTR_API ptr_status ptr_record_set_revision(ptr_record *r, uint64_t rev);
/** \brief Set the DNS status. \retval PTR_E_INVAL also for a value not in ::ptr_dns_status. */
PTR_API ptr_status ptr_record_set_dns_status(ptr_record *r, ptr_dns_status st);
/** \brief Set the DNS action. \retval PTR_E_INVAL also for a value not in ::ptr_dns_action. */
PTR_API ptr_status ptr_record_set_dns_action(ptr_record *r, ptr_dns_action a);
/** \brief The longest reason of a DNS error, in bytes (what every store keeps). */
#define PTR_DNS_ERROR_MAX 255
/**
 * \brief Set the reason of the last DNS error (empty when none).
 * \retval PTR_E_INVAL also for more than ::PTR_DNS_ERROR_MAX bytes
 */
PTR_API ptr_status ptr_record_set_dns_error(ptr_record *r, const char *s, size_t len);
/** \brief Set whether a change of this record was ever sent to a name server (0 or 1). */
PTR_API ptr_status ptr_record_set_in_dns(ptr_record *r, int in_dns);
/** \} */

/**
 * \name Accessors
 * Text accessors return a NUL-terminated string ("" when unset, never NULL
 * for a valid record) and put its length in \p *len when \p len is not NULL.
 * \{
 */
/** \brief The region. */
PTR_API const char *ptr_record_region(const ptr_record *r, size_t *len);
/** \brief The project. */
PTR_API const char *ptr_record_project(const ptr_record *r, size_t *len);
/** \brief The owner (the account charged for the record). */
PTR_API const char *ptr_record_owner(const ptr_record *r, size_t *len);
/** \brief The address (family 0 when unset). Valid as long as the record. */
PTR_API const ptr_addr *ptr_record_address(const ptr_record *r);
/** \brief The number of domain names. */
PTR_API size_t ptr_record_name_count(const ptr_record *r);
/** \brief Name \p i (0-based), or NULL when \p i is out of range. */
PTR_API const char *ptr_record_name(const ptr_record *r, size_t i, size_t *len);
/** \brief The TTL in seconds. */
PTR_API uint32_t ptr_record_ttl(const ptr_record *r);
/** \brief The description. */
PTR_API const char *ptr_record_description(const ptr_record *r, size_t *len);
/** \brief The number of tags. */
PTR_API size_t ptr_record_tag_count(const ptr_record *r);
/**
 * \brief Tag \p i (0-based), as views into the record.
 * \retval PTR_OK
 * \retval PTR_E_INVAL NULL argument or \p i out of range
 */
PTR_API ptr_status ptr_record_tag(const ptr_record *r, size_t i, ptr_tag *out);
/** \brief Creation time, seconds since the Unix epoch. */
PTR_API int64_t ptr_record_created(const ptr_record *r);
/** \brief Time of the last change, seconds since the Unix epoch. */
PTR_API int64_t ptr_record_updated(const ptr_record *r);
/** \brief The revision: 1 when created, one more on every change. */
PTR_API uint64_t ptr_record_revision(const ptr_record *r);
/** \brief The DNS status (::PTR_DNS_ACTIVE for a record made by ptr_record_new()). */
PTR_API ptr_dns_status ptr_record_dns_status(const ptr_record *r);
/** \brief The change the record waits for (::PTR_ACTION_NONE when none). */
PTR_API ptr_dns_action ptr_record_dns_action(const ptr_record *r);
/** \brief Why the last push failed, such as "NOTAUTH (BADSIG) from 127.0.0.1:5300"; "" when none. */
PTR_API const char *ptr_record_dns_error(const ptr_record *r, size_t *len);
/**
 * \brief 1 when a change of this record was ever sent to a name server (so
 * DNS may answer it, and deleting it must send the default name); else 0.
 */
PTR_API int ptr_record_in_dns(const ptr_record *r);
/**
 * \brief The record's id, "region:address" (the cloud API's
 * `{region}:{floatingip}` form), into a caller buffer.
 *
 * \retval PTR_OK
 * \retval PTR_E_BUFFER \p cap too small; \p *out_len gets the length needed
 *                      (without the NUL)
 * \retval PTR_E_INVAL  NULL \p r or \p buf, or no address set
 */
PTR_API ptr_status ptr_record_id(const ptr_record *r, char *buf, size_t cap, size_t *out_len);
/** \} */

/** \brief ptr_request.flags: the request sets the names (implied for create). */
#define PTR_REQUEST_NAMES 0x1u
/** \brief ptr_request.flags: the request sets the TTL (for create, ttl -1 means the default). */
#define PTR_REQUEST_TTL 0x2u
/** \brief ptr_request.flags: the request sets the description. */
#define PTR_REQUEST_DESCRIPTION 0x4u
/** \brief ptr_request.flags: the request sets the tags. */
#define PTR_REQUEST_TAGS 0x8u
/** \brief ptr_request.flags: an update only applies at ptr_request.expected_revision. */
#define PTR_REQUEST_REVISION 0x10u

/**
 * \brief What a create or an update asks for: plain data, all views the
 * caller owns. Start from ptr_request_init(), then fill fields.
 *
 * \c struct_size comes first so that the struct can grow: the library reads
 * only the fields that fit in it.
 *
 * For a create, every field counts and \c flags is ignored (a create always
 * sets every field): \c address and 1..max_names \c names are required,
 * \c ttl -1 takes the policy's default, an empty description and no tags are
 * fine. For an update, \c flags says which fields change; \c address may be
 * empty, and when given must be the record's address.
 */
typedef struct ptr_request {
    uint32_t struct_size;       /**< sizeof(ptr_request), set by ptr_request_init() */
    uint32_t flags;             /**< PTR_REQUEST_* bits (update only) */
    ptr_text address;           /**< IPv4 or IPv6 text, "/32" or "/128" allowed */
    const ptr_text *names;      /**< the domain names */
    size_t name_count;          /**< how many */
    int64_t ttl;                /**< seconds; -1 means the policy's default */
    ptr_text description;       /**< may be empty */
    const ptr_tag *tags;        /**< the tags */
    size_t tag_count;           /**< how many */
    uint64_t expected_revision; /**< with ::PTR_REQUEST_REVISION: the revision the caller read */
} ptr_request;

/** \brief Zero a request, set its struct_size and ttl -1 (the default). */
PTR_API void ptr_request_init(ptr_request *req);

/**
 * \brief Validate a whole create request without allocating or touching a
 * store, and parse its address.
 *
 * In this order, stopping at the first failure: the address
 * (ptr_host_parse(), then the policy: ::PTR_POLICY_IPV6 off refuses IPv6,
 * ::PTR_POLICY_PUBLIC_ONLY refuses non-public ones); the number of names;
 * each name (ptr_name_check() with the policy's name_flags) and that no two
 * are equal once normalized; the TTL; the description; the tags.
 *
 * \param[in]  req      the request
 * \param[in]  policy   the rules; NULL means ptr_policy_init()'s
 * \param[out] addr_out optional; the parsed address
 * \param[out] err      optional; the failing field, its index for a name or
 *                      tag, the byte offset, and why
 * \retval PTR_OK
 * \retval PTR_E_ADDR, PTR_E_NOT_HOST, PTR_E_ADDR_FORBIDDEN   the address
 * \retval PTR_E_NAME_COUNT, PTR_E_NAME, PTR_E_NAME_DUP       the names
 * \retval PTR_E_TTL, PTR_E_DESCRIPTION                       those fields
 * \retval PTR_E_TAG, PTR_E_TAG_COUNT, PTR_E_TAG_DUP          the tags
 * \retval PTR_E_INVAL  NULL \p req, a struct_size smaller than version 1's,
 *                      or a NULL array with a count above 0
 */
PTR_API ptr_status ptr_request_check(const ptr_request *req, const ptr_policy *policy,
                                     ptr_addr *addr_out, ptr_error *err);

/**
 * \brief Expand a default-name template for an address.
 *
 * Placeholders: "{dashed}" is the address with '-' for '.' (IPv4,
 * "203-0-113-10") or for ':' between the eight groups written in full
 * (IPv6, "2001-0db8-0000-0000-0000-0000-0000-0001"); "{a}", "{b}", "{c}",
 * "{d}" are the four IPv4 octets in decimal; "{hex}" is the 32 IPv6 nibbles.
 * Any other text, including other braces, is copied as it is. The result is
 * not checked here (a context checks its template once, when it is made).
 *
 * \param[in] tmpl the template; NULL means ::PTR_DEFAULT_NAME_TEMPLATE
 * \retval PTR_OK
 * \retval PTR_E_BUFFER \p cap too small; \p *out_len gets the length needed
 * \retval PTR_E_INVAL  NULL \p a or \p buf, a family other than 4 or 6, or a
 *                      placeholder that does not apply ({a}..{d} for IPv6,
 *                      {hex} for IPv4)
 */
PTR_API ptr_status ptr_default_name(const char *tmpl, size_t tmpl_len, const ptr_addr *a, char *buf,
                                    size_t cap, size_t *out_len);

PTR_END_DECLS

#endif /* LIBPTR_RECORD_H */
