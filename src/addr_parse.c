/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
ptr_status ptr_addr_parse(const char *s, size_t len, ptr_addr *out) { (void)s; (void)len; (void)out; return PTR_E_UNSUPPORTED; }
ptr_status ptr_host_parse(const char *s, size_t len, ptr_addr *out) { (void)s; (void)len; (void)out; return PTR_E_UNSUPPORTED; }
ptr_status ptr_prefix_parse(const char *s, size_t len, ptr_addr *out, unsigned *p) { (void)s; (void)len; (void)out; (void)p; return PTR_E_UNSUPPORTED; }
int ptr_addr_equal(const ptr_addr *a, const ptr_addr *b) { (void)a; (void)b; return 0; }
