/**
 * \file libptr/addr.h
 * \brief IP addresses and prefixes: parsing, formatting, reverse names
 * (in-addr.arpa, ip6.arpa) and reverse zones.
 *
 * Pure functions: no allocation, no I/O, no global state; safe from any
 * thread. Text input is always (pointer, length): it need not be
 * NUL-terminated, and an embedded NUL byte is simply an invalid character.
 *
 * Output text goes to a caller buffer of capacity \p cap and is always
 * NUL-terminated on success; \p *out_len (when \p out_len is not NULL) gets
 * the length without the NUL. When \p cap is too small the call returns
 * ::PTR_E_BUFFER, sets \p *out_len to the length the text needs (so
 * \p *out_len + 1 bytes are enough), and writes nothing.
 */
#ifndef LIBPTR_ADDR_H
#define LIBPTR_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/error.h>
#include <libptr/export.h>

PTR_BEGIN_DECLS

/** \brief An IPv4 or IPv6 address, in network byte order. */
typedef struct ptr_addr {
    uint8_t family;    /**< 4 or 6 */
    uint8_t bytes[16]; /**< IPv4 uses bytes[0..3]; the rest are zero */
} ptr_addr;

/** \brief Buffer size for any address text, NUL included (as INET6_ADDRSTRLEN). */
#define PTR_ADDR_STRLEN 46
/**
 * \brief Buffer size for any reverse name, NUL included: 32 nibble labels and
 * their dots (64) + "ip6.arpa" (8) + trailing dot (1) + NUL (1).
 */
#define PTR_REVNAME_BUFSZ 74

/** \brief Flag for ptr_revname() / ptr_revzone(): end the name with a dot. */
#define PTR_FQDN 0x1u
/**
 * \brief Flag for ptr_revzone() with an IPv4 prefix of 25..31 bits: name the
 * RFC 2317 classless zone as "first-last" (e.g. "0-127.113.0.203.in-addr.arpa").
 */
#define PTR_REVZONE_RFC2317_RANGE 0x2u
/**
 * \brief Flag for ptr_revzone() with an IPv4 prefix of 25..31 bits: name the
 * RFC 2317 classless zone as "first/len" (e.g. "0/25.113.0.203.in-addr.arpa").
 */
#define PTR_REVZONE_RFC2317_SLASH 0x4u

/** \brief PTR_ADDR_STRLEN as a function, for bindings. */
PTR_API size_t ptr_addr_strlen(void);
/** \brief PTR_REVNAME_BUFSZ as a function, for bindings. */
PTR_API size_t ptr_revname_bufsz(void);

/**
 * \brief Parse an IPv4 or IPv6 address.
 *
 * Accepts exactly what inet_pton() accepts for AF_INET, then AF_INET6:
 * dotted decimal without leading zeros or shorthand ("127.1"), and RFC 4291
 * text with at most one "::" and an optional trailing dotted quad. No zone
 * index, no spaces, no prefix.
 *
 * \param[in]  s    the text (need not be NUL-terminated)
 * \param[in]  len  its length in bytes
 * \param[out] out  the address; untouched on failure
 * \retval PTR_OK
 * \retval PTR_E_ADDR    not an address
 * \retval PTR_E_INVAL   \p out NULL, or \p s NULL with \p len > 0
 */
PTR_API ptr_status ptr_addr_parse(const char *s, size_t len, ptr_addr *out);

/**
 * \brief Parse a single host: an address, optionally followed by "/32"
 * (IPv4) or "/128" (IPv6).
 *
 * \retval PTR_OK
 * \retval PTR_E_NOT_HOST a well-formed prefix of any other length ("/24")
 * \retval PTR_E_ADDR     not an address, or a malformed prefix length
 * \retval PTR_E_INVAL    \p out NULL
 */
PTR_API ptr_status ptr_host_parse(const char *s, size_t len, ptr_addr *out);

/**
 * \brief Parse CIDR text "ADDRESS/LEN"; a bare address means the full length.
 *
 * LEN is decimal without sign or leading zeros, 0..32 (IPv4) or 0..128
 * (IPv6). Bits beyond LEN must be zero ("203.0.113.5/24" is refused).
 *
 * \param[out] out        the network address
 * \param[out] prefix_len the prefix length
 * \retval PTR_OK
 * \retval PTR_E_ADDR  malformed address or length, or host bits set
 * \retval PTR_E_INVAL \p out or \p prefix_len NULL
 */
PTR_API ptr_status ptr_prefix_parse(const char *s, size_t len, ptr_addr *out,
                                    unsigned *prefix_len);

/**
 * \brief Is \p a inside the network \p net / \p prefix_len (as
 * ptr_prefix_parse() gives them)? The first \p prefix_len bits of both must
 * be equal; an address of the other family is never inside. Since libptr
 * 0.2.2.
 *
 * \return 1 when it is; 0 when it is not, when an argument is NULL, or when
 *         \p prefix_len is longer than the family's addresses (32 or 128 bits)
 */
PTR_API int ptr_addr_in_prefix(const ptr_addr *net, unsigned prefix_len, const ptr_addr *a);

/**
 * \brief Format an address: dotted decimal, or IPv6 per RFC 5952 (lower
 * case, the longest run of two or more zero groups as "::", the first such
 * run on a tie). IPv6 addresses with an embedded IPv4 address
 * (::ffff:a.b.c.d, and ::a.b.c.d) end in a dotted quad, as inet_ntop() does.
 *
 * \retval PTR_OK
 * \retval PTR_E_BUFFER \p cap too small (see the file comment)
 * \retval PTR_E_INVAL  \p a or \p buf NULL, or family not 4 or 6
 */
PTR_API ptr_status ptr_addr_format(const ptr_addr *a, char *buf, size_t cap, size_t *out_len);

/**
 * \brief The reverse name of an address: "10.113.0.203.in-addr.arpa", or 32
 * lower-case nibbles then "ip6.arpa" (RFC 1035 §3.5, RFC 3596 §2.5).
 *
 * \param[in] flags ::PTR_FQDN adds the trailing dot
 * \retval PTR_OK
 * \retval PTR_E_BUFFER \p cap too small; ::PTR_REVNAME_BUFSZ is always enough
 * \retval PTR_E_INVAL  NULL pointer, unknown flag, or family not 4 or 6
 */
PTR_API ptr_status ptr_revname(const ptr_addr *a, unsigned flags, char *buf, size_t cap,
                               size_t *out_len);

/**
 * \brief The inverse of ptr_revname(): case-insensitive, trailing dot
 * optional. A shorter name is a zone: it gives the network address and its
 * prefix length ("113.0.203.in-addr.arpa" gives 203.0.113.0 and 24;
 * "in-addr.arpa" alone gives 0.0.0.0 and 0).
 *
 * Octet labels are decimal 0..255 without leading zeros; nibble labels are
 * one hex digit each.
 *
 * \param[out] out        the address (zero-filled beyond the prefix)
 * \param[out] prefix_len the prefix length: 32 or 128 for a full name. May be
 *                        NULL, and then only a full name is accepted
 *                        (a zone gives ::PTR_E_NOT_HOST).
 * \retval PTR_OK
 * \retval PTR_E_REVNAME not a reverse name
 * \retval PTR_E_NOT_HOST a zone name while \p prefix_len is NULL
 * \retval PTR_E_INVAL  \p out NULL
 */
PTR_API ptr_status ptr_revname_parse(const char *s, size_t len, ptr_addr *out,
                                     unsigned *prefix_len);

/**
 * \brief The name of the reverse zone that holds \p a at \p prefix_len bits.
 *
 * IPv4: 0, 8, 16, 24 or 32 ("113.0.203.in-addr.arpa" for /24); 25..31 only
 * with ::PTR_REVZONE_RFC2317_RANGE or ::PTR_REVZONE_RFC2317_SLASH (RFC 2317).
 * IPv6: any multiple of 4 from 0 to 128. Bits of \p a beyond the prefix are
 * ignored.
 *
 * \param[in] flags ::PTR_FQDN, and at most one RFC 2317 flag
 * \retval PTR_OK
 * \retval PTR_E_BUFFER \p cap too small; ::PTR_REVNAME_BUFSZ is always enough
 * \retval PTR_E_INVAL  NULL pointer, bad flags, or a prefix length not listed above
 */
PTR_API ptr_status ptr_revzone(const ptr_addr *a, unsigned prefix_len, unsigned flags,
                               char *buf, size_t cap, size_t *out_len);

/**
 * \brief Is the address public unicast? False for the special-purpose ranges
 * of the IANA IPv4 and IPv6 registries (RFC 6890 and its updates): private,
 * loopback, link-local, shared (CGN), documentation, benchmarking,
 * multicast, reserved, unspecified, unique-local, IPv4-mapped and the like.
 *
 * \return 1 when public, 0 otherwise (also for NULL or a bad family)
 */
PTR_API int ptr_addr_is_public(const ptr_addr *a);

/** \brief 1 when two addresses are equal (family and bytes), else 0. */
PTR_API int ptr_addr_equal(const ptr_addr *a, const ptr_addr *b);

/**
 * \brief Compare two addresses in store order (IPv4 first, then bytes).
 * \return negative, 0 or positive, as memcmp()
 */
PTR_API int ptr_addr_compare(const ptr_addr *a, const ptr_addr *b);

PTR_END_DECLS

#endif /* LIBPTR_ADDR_H */
