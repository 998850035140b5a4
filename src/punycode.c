/* PLACEHOLDER: to be replaced by the real implementation. */
#include "internal.h"
typedef int ptr__punycode_placeholder;
