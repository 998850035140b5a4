/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
ptr_status ptr_description_check(const char *s, size_t len, const ptr_policy *p, ptr_error *e) { (void)s; (void)len; (void)p; (void)e; return PTR_E_UNSUPPORTED; }
