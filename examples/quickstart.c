/* The README's example: validate a tenant's request for a mail server's PTR record. */
#include <stdio.h>
#include <string.h>

#include <libptr/libptr.h>

int main(void)
{
    const char *ip = "203.0.113.10/32", *name = "Mail.Example.COM";
    ptr_addr addr;
    ptr_error err;
    char rev[PTR_REVNAME_BUFSZ], stored[PTR_NAME_BUFSZ];

    ptr_status st = ptr_host_parse(ip, strlen(ip), &addr); /* a /24 gives PTR_E_NOT_HOST */
    if (st != PTR_OK) {
        fprintf(stderr, "%s (%s): %s\n", ptr_status_name(st), ptr_status_cloud_code(st),
                ptr_strerror(st));
        return 1;
    }
    ptr_revname(&addr, PTR_FQDN, rev, sizeof rev, NULL);

    st = ptr_name_normalize(name, strlen(name), 0, stored, sizeof stored, NULL, &err);
    if (st != PTR_OK) {
        fprintf(stderr, "%s (%s) %s at byte %zu: %s\n", ptr_status_name(st),
                ptr_status_cloud_code(st), ptr_field_name(err.field), err.offset, err.message);
        return 1;
    }
    if (ptr_ttl_check(300, NULL) != PTR_OK)
        return 1;

    printf("%s 300 IN PTR %s\n", rev, stored);
    return 0;
}
