/* Policy presets: the limits of Huawei Cloud and Open Telekom Cloud (README's "What it enforces"). */
#include <string.h>

#include "util/internal.h"

static const ptr_policy defaults = {
    .struct_size = sizeof(ptr_policy),
    .options = 0,
    .max_names = 10,             /* Huawei v2.1 ptrdnames: at most 10 */
    .max_records_per_owner = 50, /* default PTR quota per account */
    .ttl_min = 1,                /* DNS.0506: 1..2147483647 */
    .ttl_max = 2147483647u,      /* RFC 2181 §8: 2^31 - 1 */
    .ttl_default = 300,
    .description_max = 255,      /* DNS.0508 */
    .max_tags = 10,
    .tag_key_max = 128,
    .tag_value_max = 255,
    .name_flags = 0,
    .default_name_template = NULL,
};

void ptr_policy_init(ptr_policy *p)
{
    if (p)
        memcpy(p, &defaults, sizeof *p);
}

void ptr_policy_init_otc(ptr_policy *p)
{
    if (!p)
        return;
    memcpy(p, &defaults, sizeof *p);
    p->max_tags = 20; /* OTC allows 20 tags per PTR record */
}

const ptr_policy *ptr__policy_or_default(const ptr_policy *p)
{
    return p ? p : &defaults;
}
