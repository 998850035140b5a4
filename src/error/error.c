/* Status codes and fields: their names, texts and cloud error codes; ptr_error filling. */
#include <string.h>

#include "util/internal.h"

/*
 * Every status, written once: its constant, its text, and the Huawei Cloud /
 * OTC DNS error code a cloud API returns for it (see docs/errors.md):
 * DNS.0001 internal error, DNS.0002 invalid request, DNS.0016 record exists,
 * DNS.0021 lock not acquired, DNS.0405 PTR quota, DNS.0501 invalid PTR ID,
 * DNS.0503 not in a steady state, DNS.0505 invalid PTR domain name, DNS.0506
 * invalid PTR TTL, DNS.0507 PTR not found, DNS.0508 invalid PTR description,
 * DNS.0602 invalid floating IP address, DNS.1001 tag quota, DNS.1003 invalid
 * tag, DNS.1802 policy refuses action.
 */
#define PTR__STATUSES(X)                                                                           \
    X(PTR_OK, "success", "")                                                                       \
    X(PTR_E_INVAL, "invalid argument (API misuse)", "DNS.0002")                                    \
    X(PTR_E_NOMEM, "out of memory", "DNS.0001")                                                    \
    X(PTR_E_BUFFER, "output buffer too small", "DNS.0001")                                         \
    X(PTR_E_UNSUPPORTED, "operation not supported", "DNS.0002")                                    \
    X(PTR_E_ADDR, "invalid IP address", "DNS.0602")                                                \
    X(PTR_E_NOT_HOST, "PTR records are only for a single address (/32 or /128)", "DNS.0602")       \
    X(PTR_E_ADDR_FORBIDDEN, "address not allowed by policy", "DNS.0602")                           \
    X(PTR_E_REVNAME, "invalid reverse (in-addr.arpa / ip6.arpa) name", "DNS.0501")                 \
    X(PTR_E_NAME, "invalid domain name", "DNS.0505")                                               \
    X(PTR_E_NAME_COUNT, "wrong number of domain names", "DNS.0505")                                \
    X(PTR_E_NAME_DUP, "duplicate domain name", "DNS.0505")                                         \
    X(PTR_E_TTL, "invalid TTL", "DNS.0506")                                                        \
    X(PTR_E_DESCRIPTION, "invalid description", "DNS.0508")                                        \
    X(PTR_E_TAG, "invalid tag", "DNS.1003")                                                        \
    X(PTR_E_TAG_COUNT, "too many tags", "DNS.1001")                                                \
    X(PTR_E_TAG_DUP, "duplicate tag key", "DNS.1003")                                              \
    X(PTR_E_EXISTS, "the address already has a PTR record", "DNS.0016")                            \
    X(PTR_E_QUOTA, "PTR record quota exceeded", "DNS.0405")                                        \
    X(PTR_E_NOT_FOUND, "PTR record not found", "DNS.0507")                                         \
    X(PTR_E_IMMUTABLE, "the address of a PTR record cannot be changed", "DNS.0002")                \
    X(PTR_E_CONFLICT, "the record was changed by someone else", "DNS.0503")                        \
    X(PTR_E_FORBIDDEN, "not allowed to set a PTR record for this address", "DNS.1802")             \
    X(PTR_E_FORWARD, "domain name does not resolve back to the address", "DNS.0505")               \
    X(PTR_E_BUSY, "store busy, try again", "DNS.0021")                                             \
    X(PTR_E_STORE, "storage failure", "DNS.0001")

/* Every field and the name a cloud API gives it. */
#define PTR__FIELDS(X)                                                                             \
    X(PTR_FIELD_NONE, "")                                                                          \
    X(PTR_FIELD_ADDRESS, "address")                                                                \
    X(PTR_FIELD_NAME, "ptrdname")                                                                  \
    X(PTR_FIELD_NAMES, "ptrdnames")                                                                \
    X(PTR_FIELD_TTL, "ttl")                                                                        \
    X(PTR_FIELD_DESCRIPTION, "description")                                                        \
    X(PTR_FIELD_TAG_KEY, "tags.key")                                                               \
    X(PTR_FIELD_TAG_VALUE, "tags.value")                                                           \
    X(PTR_FIELD_TAGS, "tags")                                                                      \
    X(PTR_FIELD_REGION, "region")                                                                  \
    X(PTR_FIELD_PROJECT, "project")                                                                \
    X(PTR_FIELD_OWNER, "owner")                                                                    \
    X(PTR_FIELD_REVISION, "revision")                                                              \
    X(PTR_FIELD_REVNAME, "revname")                                                                \
    X(PTR_FIELD_LIMIT, "limit")                                                                    \
    X(PTR_FIELD_MARKER, "marker")                                                                  \
    X(PTR_FIELD_ADDRESSES, "addresses")

typedef struct status_info {
    const char *name, *text, *cloud;
} status_info;

/* The status's row, or NULL for a number that is none. */
static const status_info *status_row(ptr_status s)
{
    /* A switch over the table rather than a search: the compiler's -Wswitch
     * then names any status of error.h that the table lacks. */
    switch (s) {
#define PTR__STATUS_CASE(st, text, cloud)                                                          \
    case st: {                                                                                     \
        static const status_info row = {#st, text, cloud};                                         \
        return &row;                                                                               \
    }
        PTR__STATUSES(PTR__STATUS_CASE)
#undef PTR__STATUS_CASE
    }
    return NULL;
}

const char *ptr_strerror(ptr_status s)
{
    const status_info *r = status_row(s);
    return r ? r->text : "unknown status";
}

const char *ptr_status_name(ptr_status s)
{
    const status_info *r = status_row(s);
    return r ? r->name : "PTR_E_UNKNOWN";
}

/* An unknown status is some failure: the cloud's internal error. */
const char *ptr_status_cloud_code(ptr_status s)
{
    const status_info *r = status_row(s);
    return r ? r->cloud : "DNS.0001";
}

const char *ptr_field_name(ptr_field f)
{
    switch (f) { /* as status_row: -Wswitch names a field the table lacks */
#define PTR__FIELD_CASE(field, name)                                                               \
    case field: return name;
        PTR__FIELDS(PTR__FIELD_CASE)
#undef PTR__FIELD_CASE
    }
    return "unknown";
}

void ptr_error_clear(ptr_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
}

/* Append at most what fits, always leaving room for the NUL. */
static size_t put(char *dst, size_t at, const char *src, size_t n)
{
    const size_t room = PTR_ERROR_MESSAGE_SIZE - 1 - at;
    if (n > room)
        n = room;
    memcpy(dst + at, src, n);
    return at + n;
}

/* An error with everything but its message. */
static void error_set(ptr_error *err, ptr_status status, ptr_field field, uint32_t index,
                      size_t offset)
{
    memset(err, 0, sizeof *err);
    err->status = status;
    err->field = field;
    err->index = index;
    err->offset = offset;
}

ptr_status ptr__failn(ptr_error *err, ptr_status status, ptr_field field, uint32_t index,
                      size_t offset, const char *msg, uint64_t num)
{
    if (!err)
        return status;
    error_set(err, status, field, index, offset);

    char digits[20];
    size_t nd = 0;
    do {
        digits[sizeof digits - 1 - nd++] = (char)('0' + num % 10);
        num /= 10;
    } while (num);

    size_t at = 0;
    for (const char *p = msg; *p;) {
        const char *hole = strstr(p, "%u");
        size_t lit = hole ? (size_t)(hole - p) : strlen(p);
        at = put(err->message, at, p, lit);
        if (!hole)
            break;
        at = put(err->message, at, digits + sizeof digits - nd, nd);
        p = hole + 2;
    }
    err->message[at] = '\0';
    return status;
}

ptr_status ptr__fail(ptr_error *err, ptr_status status, ptr_field field, uint32_t index,
                     size_t offset, const char *msg)
{
    if (!err)
        return status;
    error_set(err, status, field, index, offset);
    err->message[put(err->message, 0, msg, strlen(msg))] = '\0';
    return status;
}
