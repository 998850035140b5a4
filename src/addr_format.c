/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
size_t ptr_addr_strlen(void) { return PTR_ADDR_STRLEN; }
ptr_status ptr_addr_format(const ptr_addr *a, char *buf, size_t cap, size_t *o) { (void)a; (void)buf; (void)cap; (void)o; return PTR_E_UNSUPPORTED; }
