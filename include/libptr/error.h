/**
 * \file libptr/error.h
 * \brief Status codes, the error-detail struct, and their text.
 *
 * Every fallible libptr function returns a ::ptr_status. The numbers are part
 * of the ABI: they are never renumbered or reused, only appended to.
 * Functions that validate a field also take an optional ::ptr_error that says
 * which field failed, where, and why.
 */
#ifndef LIBPTR_ERROR_H
#define LIBPTR_ERROR_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/export.h>

PTR_BEGIN_DECLS

/** \brief Result of a libptr call. Numbers are frozen (introduced in 0.1). */
typedef enum ptr_status {
    PTR_OK = 0,                /**< success */
    PTR_E_INVAL = 1,           /**< API misuse: NULL pointer, bad flag, bad argument */
    PTR_E_NOMEM = 2,           /**< an allocation failed */
    PTR_E_BUFFER = 3,          /**< caller buffer too small; the needed length is reported */
    PTR_E_UNSUPPORTED = 4,     /**< the operation or store version is not supported */

    PTR_E_ADDR = 10,           /**< not a valid IPv4/IPv6 address (or prefix) text */
    PTR_E_NOT_HOST = 11,       /**< a prefix that is not a single host (/32, /128) */
    PTR_E_ADDR_FORBIDDEN = 12, /**< a valid address the policy refuses (IPv6 off, non-public) */
    PTR_E_REVNAME = 13,        /**< not a valid in-addr.arpa / ip6.arpa name */

    PTR_E_NAME = 20,           /**< an invalid domain name */
    PTR_E_NAME_COUNT = 21,     /**< no name, or more names than the policy allows */
    PTR_E_NAME_DUP = 22,       /**< the same name twice in one record */

    PTR_E_TTL = 30,            /**< TTL not a number, or out of the policy range */
    PTR_E_DESCRIPTION = 31,    /**< description not UTF-8, too long, or with control characters */
    PTR_E_TAG = 32,            /**< an invalid tag key or value */
    PTR_E_TAG_COUNT = 33,      /**< more tags than the policy allows */
    PTR_E_TAG_DUP = 34,        /**< the same tag key twice */

    PTR_E_EXISTS = 40,         /**< the address already has a PTR record */
    PTR_E_QUOTA = 41,          /**< the owner has used up its record quota */
    PTR_E_NOT_FOUND = 42,      /**< no such record (in the caller's scope) */
    PTR_E_IMMUTABLE = 43,      /**< an update tried to change the address */
    PTR_E_CONFLICT = 44,       /**< the record changed since the revision the caller read */
    PTR_E_FORBIDDEN = 45,      /**< the caller may not set a PTR for this address */
    PTR_E_FORWARD = 46,        /**< a name does not resolve back to the address */

    PTR_E_BUSY = 50,           /**< the store was busy (lock timeout); try again */
    PTR_E_STORE = 51           /**< the store failed (I/O, corruption, backend error) */
} ptr_status;

/** \brief Which input an error is about. Numbers are frozen (introduced in 0.1). */
typedef enum ptr_field {
    PTR_FIELD_NONE = 0,        /**< not about one field */
    PTR_FIELD_ADDRESS = 1,     /**< the IP address */
    PTR_FIELD_NAME = 2,        /**< one domain name; ptr_error.index says which */
    PTR_FIELD_NAMES = 3,       /**< the list of names as a whole (count) */
    PTR_FIELD_TTL = 4,         /**< the TTL */
    PTR_FIELD_DESCRIPTION = 5, /**< the description */
    PTR_FIELD_TAG_KEY = 6,     /**< one tag's key; ptr_error.index says which */
    PTR_FIELD_TAG_VALUE = 7,   /**< one tag's value; ptr_error.index says which */
    PTR_FIELD_TAGS = 8,        /**< the list of tags as a whole (count) */
    PTR_FIELD_REGION = 9,      /**< the region of the caller's scope */
    PTR_FIELD_PROJECT = 10,    /**< the project of the caller's scope */
    PTR_FIELD_OWNER = 11,      /**< the owner of the caller's scope */
    PTR_FIELD_REVISION = 12,   /**< the expected revision of an update */
    PTR_FIELD_REVNAME = 13,    /**< a reverse (in-addr.arpa / ip6.arpa) name */
    PTR_FIELD_LIMIT = 14,      /**< a list's page size, or an owner's record limit */
    PTR_FIELD_MARKER = 15,     /**< a list's marker */
    PTR_FIELD_ADDRESSES = 16   /**< a batch's list of addresses as a whole (count) */
} ptr_field;

/** \brief Size of ptr_error.message, NUL included. */
#define PTR_ERROR_MESSAGE_SIZE 160

/**
 * \brief What failed, where, and why. Filled on failure only, and only when
 * the caller passes one; the caller owns it (a stack variable is fine).
 *
 * The struct never shrinks and its fields never move; new fields are carved
 * from \c reserved, which the library zeroes.
 */
typedef struct ptr_error {
    ptr_status status; /**< the same status the call returned */
    ptr_field field;   /**< which input failed */
    uint32_t index;    /**< for names and tags: 0-based position in the list; else 0 */
    size_t offset;     /**< byte offset of the problem inside that field */
    char message[PTR_ERROR_MESSAGE_SIZE]; /**< one line of English, NUL-terminated */
    unsigned char reserved[64];           /**< room to grow; zero */
} ptr_error;

/**
 * \brief Static English text for a status. Never NULL; unknown values give
 * "unknown status".
 */
PTR_API const char *ptr_strerror(ptr_status s);

/**
 * \brief The constant's name, such as "PTR_E_QUOTA". Never NULL; unknown
 * values give "PTR_E_UNKNOWN".
 */
PTR_API const char *ptr_status_name(ptr_status s);

/**
 * \brief The Huawei Cloud / Open Telekom Cloud DNS error code a control plane
 * would return for this status, such as "DNS.0405" for ::PTR_E_QUOTA.
 * Never NULL; ::PTR_OK gives "".
 */
PTR_API const char *ptr_status_cloud_code(ptr_status s);

/**
 * \brief The field's name as an API would spell it ("address", "ptrdnames",
 * "ttl", "description", "tags", ...). Never NULL; ::PTR_FIELD_NONE gives "".
 */
PTR_API const char *ptr_field_name(ptr_field f);

/** \brief Zero an error struct (status ::PTR_OK, empty message). */
PTR_API void ptr_error_clear(ptr_error *err);

PTR_END_DECLS

#endif /* LIBPTR_ERROR_H */
