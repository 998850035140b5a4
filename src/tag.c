/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
ptr_status ptr_tag_check(const char *k, size_t kl, const char *v, size_t vl, const ptr_policy *p, ptr_error *e) { (void)k; (void)kl; (void)v; (void)vl; (void)p; (void)e; return PTR_E_UNSUPPORTED; }
ptr_status ptr_tags_check(const ptr_tag *t, size_t n, const ptr_policy *p, ptr_error *e) { (void)t; (void)n; (void)p; (void)e; return PTR_E_UNSUPPORTED; }
