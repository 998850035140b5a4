/*
 * A walk through libptr's rules on sample input: the checks a control plane runs
 * before it sets a PTR record for a tenant's mail server. Each line shows the input,
 * then either the normalized result or the rule that refused it (status, cloud error
 * code, field, offset, reason).
 *
 *   tour            run the built-in samples
 *   tour KIND TEXT  check one input; KIND is host, name, ttl, description or revname
 */
#include <stdio.h>
#include <string.h>

#include <libptr/libptr.h>

static void refused(ptr_status st, const ptr_error *err)
{
    if (err && err->status == st)
        printf("  refused: %s %s field=%s offset=%zu: %s\n", ptr_status_name(st),
               ptr_status_cloud_code(st), ptr_field_name(err->field), err->offset, err->message);
    else
        printf("  refused: %s %s: %s\n", ptr_status_name(st), ptr_status_cloud_code(st),
               ptr_strerror(st));
}

/* An address as a tenant's API request gives it: one host, and its reverse name. */
static int check_host(const char *text)
{
    ptr_addr a;
    char rev[PTR_REVNAME_BUFSZ], canon[PTR_ADDR_STRLEN];
    printf("host        %-40s", text);
    ptr_status st = ptr_host_parse(text, strlen(text), &a);
    if (st != PTR_OK) {
        printf("\n");
        refused(st, NULL);
        return 1;
    }
    ptr_addr_format(&a, canon, sizeof canon, NULL);
    ptr_revname(&a, PTR_FQDN, rev, sizeof rev, NULL);
    printf(" ok: %s, %s public, PTR owner name %s\n", canon,
           ptr_addr_is_public(&a) ? "is" : "is not", rev);
    return 0;
}

static int check_name(const char *text)
{
    char out[PTR_NAME_BUFSZ];
    ptr_error err;
    printf("name        %-40s", text);
    ptr_status st = ptr_name_normalize(text, strlen(text), 0, out, sizeof out, NULL, &err);
    if (st != PTR_OK) {
        printf("\n");
        refused(st, &err);
        return 1;
    }
    printf(" ok: stored as %s\n", out);
    return 0;
}

static int check_ttl(const char *text)
{
    uint32_t ttl = 0;
    printf("ttl         %-40s", text);
    ptr_status st = ptr_ttl_parse(text, strlen(text), &ttl);
    if (st == PTR_OK)
        st = ptr_ttl_check(ttl, NULL);
    if (st != PTR_OK) {
        printf("\n");
        refused(st, NULL);
        return 1;
    }
    printf(" ok: %u seconds\n", (unsigned)ttl);
    return 0;
}

static int check_description(const char *text)
{
    ptr_error err;
    printf("description %-.37s%s", text, strlen(text) > 37 ? "...  " : "");
    if (strlen(text) <= 37)
        printf("%*s", (int)(40 - strlen(text)), "");
    ptr_status st = ptr_description_check(text, strlen(text), NULL, &err);
    if (st != PTR_OK) {
        printf("\n");
        refused(st, &err);
        return 1;
    }
    printf(" ok: %zu bytes\n", strlen(text));
    return 0;
}

static int check_revname(const char *text)
{
    ptr_addr a;
    unsigned plen = 0;
    char canon[PTR_ADDR_STRLEN];
    printf("revname     %-40s", text);
    ptr_status st = ptr_revname_parse(text, strlen(text), &a, &plen);
    if (st != PTR_OK) {
        printf("\n");
        refused(st, NULL);
        return 1;
    }
    ptr_addr_format(&a, canon, sizeof canon, NULL);
    printf(" ok: %s/%u\n", canon, plen);
    return 0;
}

static int check_tag(const char *key, const char *value)
{
    ptr_error err;
    printf("tag         %s=%-*s", key, (int)(39 - strlen(key)), value);
    ptr_status st = ptr_tag_check(key, strlen(key), value, strlen(value), NULL, &err);
    if (st != PTR_OK) {
        printf("\n");
        refused(st, &err);
        return 1;
    }
    printf(" ok\n");
    return 0;
}

static void samples(void)
{
    char long_desc[300];
    memset(long_desc, 'x', 256);
    long_desc[256] = '\0';

    printf("libptr %s: the rules for a mail server's PTR record\n\n", ptr_version());
    check_host("203.0.113.10");
    check_host("203.0.113.10/32");
    check_host("2001:DB8::25");
    check_host("203.0.113.0/24");
    check_host("203.0.113.256");
    check_host("127.1");
    check_name("Mail.Example.COM");
    check_name("xn--mnchen-3ya.example");
    check_name("-mail.example.com");
    check_name("mail..example.com");
    check_name("mail.example.123");
    check_name("*.example.com");
    check_ttl("300");
    check_ttl("1h");
    check_ttl("0");
    check_ttl("2147483648");
    check_description("Outbound mail relay for tenant 42");
    check_description(long_desc);
    check_description("bell\a in a log line");
    check_tag("team", "mail-ops");
    check_tag("_sys_owner", "x");
    check_revname("10.113.0.203.in-addr.arpa.");
    check_revname("113.0.203.IN-ADDR.ARPA");
}

int main(int argc, char **argv)
{
    if (argc == 1) {
        samples();
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "host") == 0)
        return check_host(argv[2]);
    if (argc == 3 && strcmp(argv[1], "name") == 0)
        return check_name(argv[2]);
    if (argc == 3 && strcmp(argv[1], "ttl") == 0)
        return check_ttl(argv[2]);
    if (argc == 3 && strcmp(argv[1], "description") == 0)
        return check_description(argv[2]);
    if (argc == 3 && strcmp(argv[1], "revname") == 0)
        return check_revname(argv[2]);
    fprintf(stderr, "usage: %s [host|name|ttl|description|revname TEXT]\n", argv[0]);
    return 2;
}
