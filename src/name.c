/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
size_t ptr_name_bufsz(void) { return PTR_NAME_BUFSZ; }
ptr_status ptr_name_check(const char *s, size_t len, unsigned f, ptr_error *e) { (void)s; (void)len; (void)f; (void)e; return PTR_E_UNSUPPORTED; }
ptr_status ptr_name_normalize(const char *s, size_t len, unsigned f, char *b, size_t c, size_t *o, ptr_error *e) { (void)s; (void)len; (void)f; (void)b; (void)c; (void)o; (void)e; return PTR_E_UNSUPPORTED; }
