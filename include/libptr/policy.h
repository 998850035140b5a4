/**
 * \file libptr/policy.h
 * \brief The limits libptr enforces. Every number is a field.
 *
 * Initialize with ptr_policy_init() (Huawei Cloud defaults) or
 * ptr_policy_init_otc() (Open Telekom Cloud), then change fields. The struct
 * has a fixed size: new fields are taken from \c reserved, which the init
 * functions zero, and a zero there always means "the old behaviour".
 */
#ifndef LIBPTR_POLICY_H
#define LIBPTR_POLICY_H

#include <stdint.h>

#include <libptr/export.h>

PTR_BEGIN_DECLS

/** \brief Option: accept IPv6 addresses (/128). Off by default. */
#define PTR_POLICY_IPV6 0x1u
/** \brief Option: accept only public unicast addresses (see ptr_addr_is_public()). */
#define PTR_POLICY_PUBLIC_ONLY 0x2u
/**
 * \brief Option: every name must resolve back to the record's address
 * (forward-confirmed reverse DNS, as AWS, Azure and Linode require).
 */
#define PTR_POLICY_FORWARD_CONFIRM 0x4u

/** \brief The template used when ptr_policy.default_name_template is NULL. */
#define PTR_DEFAULT_NAME_TEMPLATE "ecs-{dashed}.compute.example.com"

/** \brief Limits and options. Sizes count as their field comment says. */
typedef struct ptr_policy {
    uint32_t struct_size;           /**< sizeof(ptr_policy), set by the init functions */
    uint32_t options;               /**< PTR_POLICY_* bits */
    uint32_t max_names;             /**< names per record (10) */
    uint32_t max_records_per_owner; /**< records per owner (50) */
    uint32_t ttl_min;               /**< seconds (1) */
    uint32_t ttl_max;               /**< seconds (2147483647, RFC 2181 §8) */
    uint32_t ttl_default;           /**< seconds, when a request gives none (300) */
    uint32_t description_max;       /**< Unicode code points (255) */
    uint32_t max_tags;              /**< tags per record (10; OTC 20) */
    uint32_t tag_key_max;           /**< characters (128) */
    uint32_t tag_value_max;         /**< characters (255) */
    uint32_t name_flags;            /**< PTR_NAME_* flags for every name (0) */
    /**
     * Name an address answers with when it has no record. "{dashed}" is the
     * address with '-' for '.' (IPv4) or ':' (IPv6, full 4-digit groups);
     * "{a}".."{d}" the IPv4 octets; "{hex}" the 32 IPv6 nibbles. NULL means
     * ::PTR_DEFAULT_NAME_TEMPLATE. Not copied: it must outlive every use of
     * the policy (a context copies it when it is created).
     */
    const char *default_name_template;
    uint32_t reserved[32]; /**< room to grow; zero */
} ptr_policy;

/** \brief Huawei Cloud defaults: the table in README.md, "What it enforces". */
PTR_API void ptr_policy_init(ptr_policy *p);

/** \brief Open Telekom Cloud: as ptr_policy_init(), with 20 tags per record. */
PTR_API void ptr_policy_init_otc(ptr_policy *p);

PTR_END_DECLS

#endif /* LIBPTR_POLICY_H */
