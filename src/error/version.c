/* The run-time release version. */
#include "util/internal.h"

const char *ptr_version(void)
{
    return PTR_VERSION_STRING;
}
