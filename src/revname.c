/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
size_t ptr_revname_bufsz(void) { return PTR_REVNAME_BUFSZ; }
ptr_status ptr_revname(const ptr_addr *a, unsigned f, char *buf, size_t cap, size_t *o) { (void)a; (void)f; (void)buf; (void)cap; (void)o; return PTR_E_UNSUPPORTED; }
ptr_status ptr_revname_parse(const char *s, size_t len, ptr_addr *out, unsigned *p) { (void)s; (void)len; (void)out; (void)p; return PTR_E_UNSUPPORTED; }
ptr_status ptr_revzone(const ptr_addr *a, unsigned pl, unsigned f, char *buf, size_t cap, size_t *o) { (void)a; (void)pl; (void)f; (void)buf; (void)cap; (void)o; return PTR_E_UNSUPPORTED; }
