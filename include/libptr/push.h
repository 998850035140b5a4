/**
 * \file libptr/push.h
 * \brief Live DNS: pending record changes sent to the name servers as DNS
 * UPDATE messages (RFC 2136) signed with TSIG (RFC 8945), and the servers'
 * answers written back as each record's status.
 *
 * A companion library (libptr-push, CMake target libptr::ptr_push,
 * pkg-config libptr-push) built on libknot, so that the core stays libc
 * only. Not included by libptr/libptr.h. docs/push.md describes the
 * configuration file, the messages and the status each answer gives.
 *
 * \par Configuration
 * Lines of `PREFIX SERVER:PORT ALGORITHM:KEYNAME:SECRET`, for example
 * `203.0.113.0/24 127.0.0.1:5300 hmac-sha256:ptrpush:BASE64SECRET` (the TSIG
 * triple as `knsupdate -y` takes it); `#` starts a comment; IPv6 servers as
 * `[::1]:5300`. The longest prefix that holds an address names its server
 * and key. The zone an UPDATE names is the reverse zone of the prefix cut to
 * a whole octet (IPv4) or nibble (IPv6): 203.0.113.0/24 and /26 both give
 * 113.0.203.in-addr.arpa. A file that others than its owner may read or
 * write is refused: it holds secrets. Secrets never appear in messages.
 *
 * \par Threads
 * A ::ptr_push_config is read-only once made and may be shared. A ::ptr_push
 * is used by one thread at a time.
 */
#ifndef LIBPTR_PUSH_H
#define LIBPTR_PUSH_H

#include <stddef.h>
#include <stdint.h>

#include <libptr/error.h>
#include <libptr/export.h>
#include <libptr/service.h>

#if defined(_WIN32) || defined(__CYGWIN__)
#  if defined(PTR_STATICLIB)
#    define PTR_PUSH_API
#  elif defined(PTR_PUSH_BUILDING_LIBRARY)
#    define PTR_PUSH_API __declspec(dllexport)
#  else
#    define PTR_PUSH_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define PTR_PUSH_API __attribute__((visibility("default")))
#else
#  define PTR_PUSH_API
#endif

PTR_BEGIN_DECLS

/** \brief A parsed configuration file (opaque): prefixes, servers and keys. */
typedef struct ptr_push_config ptr_push_config;

/**
 * \brief Read and parse a configuration file.
 * \param[out] err optional; the line (ptr_error.index, 1-based) and why
 * \retval PTR_OK
 * \retval PTR_E_FORBIDDEN the file may be read or written by others than its owner
 * \retval PTR_E_INVAL     a line that does not parse (\p err names it), or no line at all
 * \retval PTR_E_STORE     the file cannot be read (\p err says why)
 * \retval PTR_E_NOMEM
 */
PTR_PUSH_API ptr_status ptr_push_config_load(const char *path, ptr_push_config **out,
                                             ptr_error *err);

/** \brief Parse configuration text (what ptr_push_config_load() does after reading). */
PTR_PUSH_API ptr_status ptr_push_config_parse(const char *text, size_t len, ptr_push_config **out,
                                              ptr_error *err);

/** \brief Free a configuration. NULL is ignored. */
PTR_PUSH_API void ptr_push_config_free(ptr_push_config *cfg);

/** \brief The number of prefixes (lines) in a configuration. */
PTR_PUSH_API size_t ptr_push_config_count(const ptr_push_config *cfg);

/** \brief How a pusher is made. Start from ptr_push_options_init(). */
typedef struct ptr_push_options {
    uint32_t struct_size;   /**< sizeof(ptr_push_options), set by ptr_push_options_init() */
    unsigned timeout_ms;    /**< per message: connect, send and answer (0: 3000) */
    size_t max_message;     /**< bytes per UPDATE message (0: 16384; at least 512) */
    unsigned retry_min_ms;  /**< first wait before a server that did not answer is tried again (0: 1000) */
    unsigned retry_max_ms;  /**< longest such wait; it doubles up to this (0: 60000) */
} ptr_push_options;

/** \brief Zero options and set their struct_size. */
PTR_PUSH_API void ptr_push_options_init(ptr_push_options *opt);

/** \brief A pusher (opaque): a configuration, and each server's retry state. */
typedef struct ptr_push ptr_push;

/**
 * \brief Make a pusher. \p cfg is borrowed: it must outlive the pusher.
 * \retval PTR_OK, PTR_E_INVAL, PTR_E_NOMEM
 */
PTR_PUSH_API ptr_status ptr_push_new(const ptr_push_config *cfg, const ptr_push_options *opt,
                                     ptr_push **out, ptr_error *err);

/** \brief Free a pusher. NULL is ignored. */
PTR_PUSH_API void ptr_push_free(ptr_push *p);

/** \brief What happened to one change in ptr_push_sync(). */
typedef struct ptr_push_outcome {
    const ptr_addr *addr;  /**< the record's address */
    uint64_t revision;     /**< the revision sent */
    ptr_dns_action action; /**< what was sent: CREATE, UPDATE or DELETE */
    /**
     * ::PTR_DNS_ACTIVE (confirmed), ::PTR_DNS_ERROR (refused: \c reason), or
     * the record's pending status when no server answered (\c reason says why)
     */
    ptr_dns_status status;
    const char *reason; /**< "" when ACTIVE; e.g. "NOTAUTH (BADSIG) from 127.0.0.1:5300" */
    const char *server; /**< "127.0.0.1:5300", or "" when no prefix holds the address */
    int superseded;     /**< 1 when the record changed meanwhile: the answer was not recorded */
} ptr_push_outcome;

/** \brief Called once per change, after its answer is recorded. */
typedef void (*ptr_push_outcome_fn)(void *user, const ptr_push_outcome *o);

/** \brief The totals of one ptr_push_sync(). */
typedef struct ptr_push_report {
    size_t changes;     /**< pending changes read */
    size_t active;      /**< confirmed by a server: ACTIVE now (or gone, for a delete) */
    size_t errors;      /**< refused by a server, or no prefix holds the address: ERROR now */
    size_t unreachable; /**< no answer (timeout, refused connection, server waiting to be retried): still pending */
    size_t superseded;  /**< written again while being sent: left for the next sync */
    size_t messages;    /**< UPDATE messages sent */
} ptr_push_report;

/**
 * \brief Send every pending change of \p region (ptr_ctx_pending()) to its
 * server, several records of one zone per message, and record the answers
 * (ptr_ctx_dns_results()). Before a message goes out its records are marked
 * as possibly in DNS, so a delete that follows sends the default name. Up
 * to 8 messages are in flight to one server at once (TCP, answers matched
 * by ID); only a NOERROR answer whose TSIG verifies makes a record ACTIVE.
 * A server that does not answer is not tried again in this call, nor
 * before its retry wait (doubling from retry_min_ms to retry_max_ms) has
 * passed; a record in ERROR is not resent to the server that refused it
 * before the same kind of wait (a new pusher sends it at once).
 *
 * \param[in]  fn  optional; told each outcome
 * \param[out] rep optional; the totals
 * \retval PTR_OK  every change was sent and answered, or left pending (see \p rep)
 * \retval PTR_E_INVAL, PTR_E_NOMEM, PTR_E_BUSY, PTR_E_STORE (from the store)
 */
PTR_PUSH_API ptr_status ptr_push_sync(ptr_push *p, ptr_ctx *ctx, const char *region,
                                      size_t region_len, ptr_push_outcome_fn fn, void *user,
                                      ptr_push_report *rep, ptr_error *err);

PTR_END_DECLS

#endif /* LIBPTR_PUSH_H */
