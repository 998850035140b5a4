/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
int ptr_addr_is_public(const ptr_addr *a) { (void)a; return 0; }
