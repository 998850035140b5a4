/**
 * \file libptr/name.h
 * \brief Domain names a PTR record may point to: syntax and normal form.
 *
 * The rules (host names, RFC 1035 §2.3.1 and RFC 1123 §2.1):
 * - labels of 1..63 octets of letters, digits and hyphen, not starting or
 *   ending with a hyphen;
 * - at most 253 characters without the one optional trailing dot (255 octets
 *   on the wire);
 * - at least two labels, and the last label not all digits ("1.2.3.4" is an
 *   address, not a name);
 * - no empty label, no escapes, no wildcard, no space, no byte above 0x7F:
 *   internationalized names arrive as "xn--" A-labels, which must decode as
 *   valid Punycode (RFC 3492) to at least one non-ASCII code point, none of
 *   them a C1 control character (U+0080..U+009F).
 *
 * Pure functions: no allocation, no I/O, no global state.
 */
#ifndef LIBPTR_NAME_H
#define LIBPTR_NAME_H

#include <stddef.h>

#include <libptr/error.h>
#include <libptr/export.h>

PTR_BEGIN_DECLS

/** \brief Longest name in characters, without the trailing dot. */
#define PTR_NAME_MAXLEN 253
/** \brief Longest label in octets. */
#define PTR_LABEL_MAXLEN 63
/** \brief Buffer size for any normalized name: 253 + trailing dot + NUL. */
#define PTR_NAME_BUFSZ 255

/** \brief Flag: allow '_' in labels (service names such as "_dmarc"). */
#define PTR_NAME_ALLOW_UNDERSCORE 0x1u
/** \brief Flag: allow a name of one label ("localhost"). */
#define PTR_NAME_ALLOW_SINGLE_LABEL 0x2u

/** \brief PTR_NAME_BUFSZ as a function, for bindings. */
PTR_API size_t ptr_name_bufsz(void);

/**
 * \brief Check a domain name against the rules above.
 *
 * \param[in]  s     the name (need not be NUL-terminated)
 * \param[in]  len   its length in bytes
 * \param[in]  flags ::PTR_NAME_ALLOW_UNDERSCORE, ::PTR_NAME_ALLOW_SINGLE_LABEL
 * \param[out] err   optional; on failure: field ::PTR_FIELD_NAME, index 0,
 *                   the byte offset of the problem, and the reason
 * \retval PTR_OK
 * \retval PTR_E_NAME  the name breaks a rule
 * \retval PTR_E_INVAL \p s NULL with \p len > 0, or an unknown flag
 */
PTR_API ptr_status ptr_name_check(const char *s, size_t len, unsigned flags, ptr_error *err);

/**
 * \brief Check a name and write its normal form: lower case, with exactly
 * one trailing dot ("Mail.Example.COM" gives "mail.example.com.").
 *
 * The normal form always passes ptr_name_check(), and normalizing it again
 * gives it unchanged. ::PTR_NAME_BUFSZ is always enough.
 *
 * \retval PTR_OK
 * \retval PTR_E_NAME   as ptr_name_check()
 * \retval PTR_E_BUFFER \p cap too small; \p *out_len gets the length needed
 * \retval PTR_E_INVAL  NULL \p buf, or as ptr_name_check()
 */
PTR_API ptr_status ptr_name_normalize(const char *s, size_t len, unsigned flags, char *buf,
                                      size_t cap, size_t *out_len, ptr_error *err);

PTR_END_DECLS

#endif /* LIBPTR_NAME_H */
