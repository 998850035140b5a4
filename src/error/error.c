/* Status codes: their text, their names, their cloud error codes; ptr_error filling. */
#include <string.h>

#include "util/internal.h"

const char *ptr_strerror(ptr_status s)
{
    switch (s) {
    case PTR_OK: return "success";
    case PTR_E_INVAL: return "invalid argument (API misuse)";
    case PTR_E_NOMEM: return "out of memory";
    case PTR_E_BUFFER: return "output buffer too small";
    case PTR_E_UNSUPPORTED: return "operation not supported";
    case PTR_E_ADDR: return "invalid IP address";
    case PTR_E_NOT_HOST: return "PTR records are only for a single address (/32 or /128)";
    case PTR_E_ADDR_FORBIDDEN: return "address not allowed by policy";
    case PTR_E_REVNAME: return "invalid reverse (in-addr.arpa / ip6.arpa) name";
    case PTR_E_NAME: return "invalid domain name";
    case PTR_E_NAME_COUNT: return "wrong number of domain names";
    case PTR_E_NAME_DUP: return "duplicate domain name";
    case PTR_E_TTL: return "invalid TTL";
    case PTR_E_DESCRIPTION: return "invalid description";
    case PTR_E_TAG: return "invalid tag";
    case PTR_E_TAG_COUNT: return "too many tags";
    case PTR_E_TAG_DUP: return "duplicate tag key";
    case PTR_E_EXISTS: return "the address already has a PTR record";
    case PTR_E_QUOTA: return "PTR record quota exceeded";
    case PTR_E_NOT_FOUND: return "PTR record not found";
    case PTR_E_IMMUTABLE: return "the address of a PTR record cannot be changed";
    case PTR_E_CONFLICT: return "the record was changed by someone else";
    case PTR_E_FORBIDDEN: return "not allowed to set a PTR record for this address";
    case PTR_E_FORWARD: return "domain name does not resolve back to the address";
    case PTR_E_BUSY: return "store busy, try again";
    case PTR_E_STORE: return "storage failure";
    }
    return "unknown status";
}

const char *ptr_status_name(ptr_status s)
{
    switch (s) {
    case PTR_OK: return "PTR_OK";
    case PTR_E_INVAL: return "PTR_E_INVAL";
    case PTR_E_NOMEM: return "PTR_E_NOMEM";
    case PTR_E_BUFFER: return "PTR_E_BUFFER";
    case PTR_E_UNSUPPORTED: return "PTR_E_UNSUPPORTED";
    case PTR_E_ADDR: return "PTR_E_ADDR";
    case PTR_E_NOT_HOST: return "PTR_E_NOT_HOST";
    case PTR_E_ADDR_FORBIDDEN: return "PTR_E_ADDR_FORBIDDEN";
    case PTR_E_REVNAME: return "PTR_E_REVNAME";
    case PTR_E_NAME: return "PTR_E_NAME";
    case PTR_E_NAME_COUNT: return "PTR_E_NAME_COUNT";
    case PTR_E_NAME_DUP: return "PTR_E_NAME_DUP";
    case PTR_E_TTL: return "PTR_E_TTL";
    case PTR_E_DESCRIPTION: return "PTR_E_DESCRIPTION";
    case PTR_E_TAG: return "PTR_E_TAG";
    case PTR_E_TAG_COUNT: return "PTR_E_TAG_COUNT";
    case PTR_E_TAG_DUP: return "PTR_E_TAG_DUP";
    case PTR_E_EXISTS: return "PTR_E_EXISTS";
    case PTR_E_QUOTA: return "PTR_E_QUOTA";
    case PTR_E_NOT_FOUND: return "PTR_E_NOT_FOUND";
    case PTR_E_IMMUTABLE: return "PTR_E_IMMUTABLE";
    case PTR_E_CONFLICT: return "PTR_E_CONFLICT";
    case PTR_E_FORBIDDEN: return "PTR_E_FORBIDDEN";
    case PTR_E_FORWARD: return "PTR_E_FORWARD";
    case PTR_E_BUSY: return "PTR_E_BUSY";
    case PTR_E_STORE: return "PTR_E_STORE";
    }
    return "PTR_E_UNKNOWN";
}

/*
 * Codes and meanings from the Huawei Cloud / OTC DNS error-code tables
 * (see docs/errors.md): DNS.0001 internal error, DNS.0002 invalid request,
 * DNS.0016 record exists, DNS.0021 lock not acquired, DNS.0405 PTR quota,
 * DNS.0501 invalid PTR ID, DNS.0503 not in a steady state, DNS.0505 invalid
 * PTR domain name, DNS.0506 invalid PTR TTL, DNS.0507 PTR not found,
 * DNS.0508 invalid PTR description, DNS.0602 invalid floating IP address,
 * DNS.1001 tag quota, DNS.1003 invalid tag, DNS.1802 policy refuses action.
 */
const char *ptr_status_cloud_code(ptr_status s)
{
    switch (s) {
    case PTR_OK: return "";
    case PTR_E_INVAL: return "DNS.0002";
    case PTR_E_NOMEM: return "DNS.0001";
    case PTR_E_BUFFER: return "DNS.0001";
    case PTR_E_UNSUPPORTED: return "DNS.0002";
    case PTR_E_ADDR: return "DNS.0602";
    case PTR_E_NOT_HOST: return "DNS.0602";
    case PTR_E_ADDR_FORBIDDEN: return "DNS.0602";
    case PTR_E_REVNAME: return "DNS.0501";
    case PTR_E_NAME: return "DNS.0505";
    case PTR_E_NAME_COUNT: return "DNS.0505";
    case PTR_E_NAME_DUP: return "DNS.0505";
    case PTR_E_TTL: return "DNS.0506";
    case PTR_E_DESCRIPTION: return "DNS.0508";
    case PTR_E_TAG: return "DNS.1003";
    case PTR_E_TAG_COUNT: return "DNS.1001";
    case PTR_E_TAG_DUP: return "DNS.1003";
    case PTR_E_EXISTS: return "DNS.0016";
    case PTR_E_QUOTA: return "DNS.0405";
    case PTR_E_NOT_FOUND: return "DNS.0507";
    case PTR_E_IMMUTABLE: return "DNS.0002";
    case PTR_E_CONFLICT: return "DNS.0503";
    case PTR_E_FORBIDDEN: return "DNS.1802";
    case PTR_E_FORWARD: return "DNS.0505";
    case PTR_E_BUSY: return "DNS.0021";
    case PTR_E_STORE: return "DNS.0001";
    }
    return "DNS.0001";
}

const char *ptr_field_name(ptr_field f)
{
    switch (f) {
    case PTR_FIELD_NONE: return "";
    case PTR_FIELD_ADDRESS: return "address";
    case PTR_FIELD_NAME: return "ptrdname";
    case PTR_FIELD_NAMES: return "ptrdnames";
    case PTR_FIELD_TTL: return "ttl";
    case PTR_FIELD_DESCRIPTION: return "description";
    case PTR_FIELD_TAG_KEY: return "tags.key";
    case PTR_FIELD_TAG_VALUE: return "tags.value";
    case PTR_FIELD_TAGS: return "tags";
    case PTR_FIELD_REGION: return "region";
    case PTR_FIELD_PROJECT: return "project";
    case PTR_FIELD_OWNER: return "owner";
    case PTR_FIELD_REVISION: return "revision";
    case PTR_FIELD_REVNAME: return "revname";
    case PTR_FIELD_LIMIT: return "limit";
    case PTR_FIELD_MARKER: return "marker";
    case PTR_FIELD_ADDRESSES: return "addresses";
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

ptr_status ptr__failn(ptr_error *err, ptr_status status, ptr_field field, uint32_t index,
                      size_t offset, const char *msg, uint64_t num)
{
    if (!err)
        return status;
    memset(err, 0, sizeof *err);
    err->status = status;
    err->field = field;
    err->index = index;
    err->offset = offset;

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
    memset(err, 0, sizeof *err);
    err->status = status;
    err->field = field;
    err->index = index;
    err->offset = offset;
    err->message[put(err->message, 0, msg, strlen(msg))] = '\0';
    return status;
}
