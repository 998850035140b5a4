/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
ptr_status ptr_ttl_parse(const char *s, size_t len, uint32_t *out) { (void)s; (void)len; (void)out; return PTR_E_UNSUPPORTED; }
ptr_status ptr_ttl_check(int64_t t, const ptr_policy *p) { (void)t; (void)p; return PTR_E_UNSUPPORTED; }
