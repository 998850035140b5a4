// The public headers compiled as C++: extern "C" linkage and no C-only constructs.
#include <libptr/libptr.h>

#include <cstdio>
#include <cstring>

int main()
{
    ptr_addr a;
    const char text[] = "203.0.113.10";
    if (ptr_addr_parse(text, std::strlen(text), &a) != PTR_OK)
        return 1;
    char buf[PTR_REVNAME_BUFSZ];
    size_t n = 0;
    if (ptr_revname(&a, PTR_FQDN, buf, sizeof buf, &n) != PTR_OK)
        return 1;
    std::printf("%s %s\n", buf, ptr_status_name(PTR_E_QUOTA));
    return std::strcmp(buf, "10.113.0.203.in-addr.arpa.") == 0 ? 0 : 1;
}
