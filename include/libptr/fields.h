/**
 * \file libptr/fields.h
 * \brief The rules for a record's fields: TTL, description, tags.
 *
 * Pure functions: no allocation, no I/O, no global state. A NULL policy
 * means the defaults of ptr_policy_init().
 */
#ifndef LIBPTR_FIELDS_H
#define LIBPTR_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/policy.h>

PTR_BEGIN_DECLS

/** \brief One tag, as (pointer, length) text. \c value may be NULL when \c value_len is 0. */
typedef struct ptr_tag {
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
} ptr_tag;

/**
 * \brief Parse a TTL: decimal seconds without sign, or a sequence of
 * numbers each with a unit s, m, h, d or w (either case), such as "300",
 * "5m", "1h30m", "1w". A number without a unit is allowed only alone ("1h30"
 * is refused: it could mean 1h30m). Overflow-checked; this only parses, the
 * range is ptr_ttl_check()'s.
 *
 * \retval PTR_OK
 * \retval PTR_E_TTL   empty, not a number, a bad unit, or above 4294967295 s
 * \retval PTR_E_INVAL \p out NULL, or \p s NULL with \p len > 0
 */
PTR_API ptr_status ptr_ttl_parse(const char *s, size_t len, uint32_t *out);

/**
 * \brief Is \p ttl within the policy's [ttl_min, ttl_max] (1..2147483647)?
 * \retval PTR_OK
 * \retval PTR_E_TTL out of range
 */
PTR_API ptr_status ptr_ttl_check(int64_t ttl, const ptr_policy *p);

/**
 * \brief Check a description: valid UTF-8 (no overlong forms, surrogates or
 * code points above U+10FFFF), at most description_max code points (255), and
 * no control characters (C0, DEL, C1), no line or paragraph separators
 * (U+2028, U+2029), nor the bidirectional controls U+202A..U+202E and
 * U+2066..U+2069, which reorder text in terminals and logs. The empty
 * description is valid.
 *
 * \param[out] err optional; field ::PTR_FIELD_DESCRIPTION and the byte offset
 * \retval PTR_OK
 * \retval PTR_E_DESCRIPTION
 * \retval PTR_E_INVAL \p s NULL with \p len > 0
 */
PTR_API ptr_status ptr_description_check(const char *s, size_t len, const ptr_policy *p,
                                         ptr_error *err);

/**
 * \brief Check one tag. Key: 1..tag_key_max characters (128); value:
 * 0..tag_value_max (255); both of ASCII letters, digits, space and
 * `_ . : = + - @`, without a leading or trailing space. The key must not
 * start with "_sys_" (in any case), which the cloud reserves.
 *
 * \param[out] err optional; field ::PTR_FIELD_TAG_KEY or ::PTR_FIELD_TAG_VALUE,
 *                 index 0, and the byte offset
 * \retval PTR_OK
 * \retval PTR_E_TAG
 * \retval PTR_E_INVAL NULL text with a length > 0
 */
PTR_API ptr_status ptr_tag_check(const char *key, size_t klen, const char *val, size_t vlen,
                                 const ptr_policy *p, ptr_error *err);

/**
 * \brief Check a record's tag list: each tag as ptr_tag_check(), at most
 * max_tags of them (10; OTC 20), and no key twice (keys compare exactly).
 *
 * \param[out] err optional; for a bad tag its index; for a duplicate the
 *                 index of the second occurrence
 * \retval PTR_OK
 * \retval PTR_E_TAG, PTR_E_TAG_COUNT, PTR_E_TAG_DUP
 * \retval PTR_E_INVAL \p tags NULL with \p n > 0
 */
PTR_API ptr_status ptr_tags_check(const ptr_tag *tags, size_t n, const ptr_policy *p,
                                  ptr_error *err);

PTR_END_DECLS

#endif /* LIBPTR_FIELDS_H */
