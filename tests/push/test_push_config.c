/*
 * libptr-push's configuration (src/push/push_config.c): what parses, the
 * longest prefix that routes an address, the zone each prefix gives, each
 * bad line named by number and field, secrets never in a message, and the
 * file refused when others may read or write it. No server needed.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ptr_test.h"
#include "push_internal.h"

#define SECRET "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh5eno="
#define KEY    "hmac-sha256:ptrpush:" SECRET

static const char GOOD[] =
    "# servers of the reverse zones\n"
    "\n"
    "203.0.113.0/24   127.0.0.1:5300 " KEY "\n"
    "203.0.113.64/26  127.0.0.1:5301 hmac-sha512:other.key.:" SECRET "  # a customer's own\n"
    "2001:db8::/32 [::1]:5302\t" KEY "\n"
    "2001:db8:ac00::/38 [::1]:5302 " KEY "\n";

static ptr_push_config *parse(const char *text)
{
    ptr_push_config *cfg = NULL;
    ptr_error err;
    if (ptr_push_config_parse(text, strlen(text), &cfg, &err) != PTR_OK) {
        print_error("%s\n", err.message);
        fail();
    }
    return cfg;
}

static const push_route *route_of(const ptr_push_config *cfg, const char *addr)
{
    ptr_addr a;
    assert_status(ptr_addr_parse(addr, strlen(addr), &a), PTR_OK);
    return push_route_find(cfg, &a);
}

static void good_lines(void **state)
{
    (void)state;
    ptr_push_config *cfg = parse(GOOD);
    assert_int_equal(ptr_push_config_count(cfg), 4);
    assert_int_equal(cfg->n_servers, 3); /* [::1]:5302 once */
    assert_string_equal(cfg->servers[0].text, "127.0.0.1:5300");
    assert_string_equal(cfg->servers[2].text, "[::1]:5302");
    ptr_push_config_free(cfg);
    ptr_push_config_free(NULL);
    assert_int_equal(ptr_push_config_count(NULL), 0);
}

static void longest_prefix(void **state)
{
    (void)state;
    ptr_push_config *cfg = parse(GOOD);
    assert_int_equal(route_of(cfg, "203.0.113.5")->line, 3);
    assert_int_equal(route_of(cfg, "203.0.113.64")->line, 4);
    assert_int_equal(route_of(cfg, "203.0.113.127")->line, 4);
    assert_int_equal(route_of(cfg, "203.0.113.128")->line, 3);
    assert_null(route_of(cfg, "203.0.114.1"));
    assert_null(route_of(cfg, "198.51.100.1"));
    assert_int_equal(route_of(cfg, "2001:db8::1")->line, 5);
    assert_int_equal(route_of(cfg, "2001:db8:afff::1")->line, 6);
    assert_int_equal(route_of(cfg, "2001:db8:b000::1")->line, 5);
    assert_null(route_of(cfg, "2001:db9::1"));
    /* IPv4 text never matches an IPv6 prefix and the other way round */
    assert_null(route_of(cfg, "::ffff:203.0.113.5"));
    ptr_push_config_free(cfg);
}

static void zones(void **state)
{
    (void)state;
    ptr_push_config *cfg = parse(GOOD);
    assert_string_equal(cfg->routes[0].zone, "113.0.203.in-addr.arpa.");
    /* a /26 is not a whole octet: its zone is the enclosing /24's */
    assert_string_equal(cfg->routes[1].zone, "113.0.203.in-addr.arpa.");
    assert_string_equal(cfg->routes[2].zone, "8.b.d.0.1.0.0.2.ip6.arpa.");
    /* a /38 is cut to the nibble: /36 */
    assert_string_equal(cfg->routes[3].zone, "a.8.b.d.0.1.0.0.2.ip6.arpa.");
    ptr_push_config_free(cfg);
}

/* A bad text: the status, the line and field named, the secret nowhere. */
static void bad(const char *text, ptr_status want, uint32_t line, const char *words)
{
    ptr_push_config *cfg = (ptr_push_config *)(uintptr_t)1;
    ptr_error err;
    const ptr_status st = ptr_push_config_parse(text, strlen(text), &cfg, &err);
    if (st != want || !cfg == 0 || err.status != want || err.index != line ||
        !strstr(err.message, words) || strstr(err.message, SECRET) ||
        strstr(err.message, "c2VjcmV0")) {
        print_error("text %s\ngot %s index %u \"%s\"; want %s line %u with \"%s\"\n", text,
                    ptr_status_name(st), (unsigned)err.index, err.message, ptr_status_name(want),
                    (unsigned)line, words);
        fail();
    }
}

static void bad_lines(void **state)
{
    (void)state;
    const char *ok = "203.0.113.0/24 127.0.0.1:53 " KEY "\n";
    char buf[1024];
#define BAD(second, want, words)                                                                   \
    do {                                                                                           \
        snprintf(buf, sizeof buf, "%s# comment\n%s\n", ok, second);                                \
        bad(buf, want, 3, words);                                                                  \
    } while (0)
    BAD("203.0.113.5/24 127.0.0.1:53 " KEY, PTR_E_INVAL, "line 3: prefix");
    BAD("203.0.113.0/33 127.0.0.1:53 " KEY, PTR_E_INVAL, "line 3: prefix");
    BAD("example.com 127.0.0.1:53 " KEY, PTR_E_INVAL, "line 3: prefix");
    BAD("203.0.113.0/24 127.0.0.1:53 " KEY, PTR_E_INVAL, "the same prefix as line 1");
    BAD("198.51.100.0/24 127.0.0.1 " KEY, PTR_E_INVAL, "line 3: server");
    BAD("198.51.100.0/24 127.0.0.1:0 " KEY, PTR_E_INVAL, "line 3: server: the port");
    BAD("198.51.100.0/24 127.0.0.1:65536 " KEY, PTR_E_INVAL, "line 3: server: the port");
    BAD("198.51.100.0/24 ns1.example.net:53 " KEY, PTR_E_INVAL, "line 3: server");
    BAD("198.51.100.0/24 ::1:53 " KEY, PTR_E_INVAL, "line 3: server");
    BAD("198.51.100.0/24 [::1]53 " KEY, PTR_E_INVAL, "line 3: server");
    BAD("198.51.100.0/24 [127.0.0.1]:53 " KEY, PTR_E_INVAL, "line 3: server");
    BAD("198.51.100.0/24 127.0.0.1:53 hmac-sha999:ptrpush:" SECRET, PTR_E_INVAL,
        "line 3: key: unknown algorithm");
    BAD("198.51.100.0/24 127.0.0.1:53 ptrpush:" SECRET, PTR_E_INVAL, "line 3: key");
    BAD("198.51.100.0/24 127.0.0.1:53 hmac-sha256:ptrpush:", PTR_E_INVAL, "line 3: key");
    BAD("198.51.100.0/24 127.0.0.1:53 hmac-sha256:ptrpush:" SECRET "!!", PTR_E_INVAL,
        "line 3: key: the secret is not valid Base64");
    BAD("198.51.100.0/24 127.0.0.1:53 hmac-sha256::" SECRET, PTR_E_INVAL, "line 3: key");
    /* a secret in the wrong column is not quoted back */
    BAD("198.51.100.0/24 " KEY " 127.0.0.1:53", PTR_E_INVAL, "line 3: server");
    BAD("198.51.100.0/24 127.0.0.1:53", PTR_E_INVAL, "line 3: 2 fields");
    BAD("198.51.100.0/24 127.0.0.1:53 " KEY " " SECRET, PTR_E_INVAL, "line 3: 4 fields");
#undef BAD
    bad("# nothing but a comment\n\n", PTR_E_INVAL, 0, "no line");
    bad("", PTR_E_INVAL, 0, "no line");
    ptr_push_config *cfg;
    assert_status(ptr_push_config_parse(NULL, 1, &cfg, NULL), PTR_E_INVAL);
    assert_status(ptr_push_config_parse(ok, strlen(ok), NULL, NULL), PTR_E_INVAL);
}

static void file_mode(void **state)
{
    (void)state;
    char path[] = "/tmp/test_push_config.XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, GOOD, sizeof GOOD - 1), (ssize_t)(sizeof GOOD - 1));
    close(fd);
    ptr_push_config *cfg = NULL;
    ptr_error err;
    assert_int_equal(chmod(path, 0600), 0);
    assert_status(ptr_push_config_load(path, &cfg, &err), PTR_OK);
    assert_int_equal(ptr_push_config_count(cfg), 4);
    ptr_push_config_free(cfg);
    const mode_t refused[] = {0640, 0604, 0620, 0602, 0644};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        assert_int_equal(chmod(path, refused[i]), 0);
        assert_status(ptr_push_config_load(path, &cfg, &err), PTR_E_FORBIDDEN);
        assert_null(cfg);
        assert_non_null(strstr(err.message, "chmod 600"));
        assert_null(strstr(err.message, SECRET));
    }
    assert_int_equal(unlink(path), 0);
    assert_status(ptr_push_config_load(path, &cfg, &err), PTR_E_STORE);
    assert_non_null(strstr(err.message, "No such file"));
    assert_status(ptr_push_config_load("/tmp", &cfg, &err), PTR_E_STORE);
}

static void options(void **state)
{
    (void)state;
    ptr_push_config *cfg = parse(GOOD);
    ptr_push_options o;
    ptr_push_options_init(&o);
    assert_int_equal(o.struct_size, sizeof o);
    ptr_push *p = NULL;
    ptr_error err;
    assert_status(ptr_push_new(cfg, &o, &p, &err), PTR_OK);
    ptr_push_free(p);
    o.max_message = 100;
    assert_status(ptr_push_new(cfg, &o, &p, &err), PTR_E_INVAL);
    assert_non_null(strstr(err.message, "max_message"));
    ptr_push_options_init(&o);
    o.retry_min_ms = 5000;
    o.retry_max_ms = 10;
    assert_status(ptr_push_new(cfg, &o, &p, &err), PTR_E_INVAL);
    assert_status(ptr_push_new(NULL, NULL, &p, &err), PTR_E_INVAL);
    ptr_push_free(NULL);
    ptr_push_config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_lines), cmocka_unit_test(longest_prefix), cmocka_unit_test(zones),
        cmocka_unit_test(bad_lines),  cmocka_unit_test(file_mode),      cmocka_unit_test(options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
