/* A consumer of the installed libptr: builds a reverse name and checks a host name. */
#include <stdio.h>
#include <string.h>

#include <libptr/libptr.h>

static int fail(const char *what, ptr_status st)
{
    fprintf(stderr, "consumer: %s: %s\n", what, ptr_status_name(st));
    return 1;
}

int main(void)
{
    ptr_addr a;
    char rev[PTR_REVNAME_BUFSZ];
    size_t n;
    ptr_error err;
    ptr_status st;

    if ((st = ptr_host_parse("203.0.113.10/32", 15, &a)) != PTR_OK)
        return fail("ptr_host_parse", st);
    if ((st = ptr_revname(&a, PTR_FQDN, rev, sizeof rev, &n)) != PTR_OK)
        return fail("ptr_revname", st);
    if ((st = ptr_name_check("mail.example.com", 16, 0, &err)) != PTR_OK)
        return fail("ptr_name_check", st);
    if (strcmp(ptr_version(), PTR_VERSION_STRING) != 0)
        return fail("ptr_version differs from the header", PTR_E_INVAL);
    printf("libptr %s: %s -> mail.example.com.\n", ptr_version(), rev);
    return strcmp(rev, "10.113.0.203.in-addr.arpa.") == 0 ? 0 : fail("reverse name", PTR_E_REVNAME);
}
