/* The record object (setters, accessors, reset, copy, id) and default-name templates. */
#include <stdlib.h>

#include "ptr_test.h"

/* An allocator that counts what is live, to see that records use it and free everything. */
static long live, allocs;
static size_t biggest; /* the largest single allocation */
static void *c_malloc(void *ctx, size_t n)
{
    (void)ctx;
    live++;
    allocs++;
    if (n > biggest)
        biggest = n;
    return malloc(n);
}
static void *c_realloc(void *ctx, void *p, size_t n)
{
    (void)ctx;
    if (!p)
        live++;
    allocs++;
    if (n > biggest)
        biggest = n;
    return realloc(p, n);
}
static void c_free(void *ctx, void *p)
{
    (void)ctx;
    live--;
    free(p);
}
static const ptr_allocator counting = {c_malloc, c_realloc, c_free, NULL};

static void fields_roundtrip(void **state)
{
    (void)state;
    ptr_record *r;
    assert_status(ptr_record_new(&counting, &r), PTR_OK);
    assert_true(live > 0);
    /* Unset text is "", never NULL. */
    size_t n = 99;
    assert_string_equal(ptr_record_region(r, &n), "");
    assert_int_equal(n, 0);
    assert_int_equal(ptr_record_address(r)->family, 0);
    assert_null(ptr_record_name(r, 0, NULL));

    ptr_addr a;
    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.10"), &a), PTR_OK);
    assert_status(ptr_record_set_region(r, PTR_LIT("eu-de")), PTR_OK);
    assert_status(ptr_record_set_project(r, PTR_LIT("p1")), PTR_OK);
    assert_status(ptr_record_set_owner(r, PTR_LIT("acct")), PTR_OK);
    assert_status(ptr_record_set_address(r, &a), PTR_OK);
    /* Text with an embedded NUL keeps its length. */
    assert_status(ptr_record_set_description(r, "a\0b", 3), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("mail.example.com.")), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("mx.example.com.")), PTR_OK);
    assert_status(ptr_record_add_tag(r, PTR_LIT("env"), PTR_LIT("prod")), PTR_OK);
    assert_status(ptr_record_add_tag(r, PTR_LIT("empty"), NULL, 0), PTR_OK);
    assert_status(ptr_record_set_ttl(r, 3600), PTR_OK);
    assert_status(ptr_record_set_created(r, -5), PTR_OK);
    assert_status(ptr_record_set_updated(r, 1700000000), PTR_OK);
    assert_status(ptr_record_set_revision(r, 3), PTR_OK);
    /* Replacing a text field keeps the other fields intact. */
    assert_status(ptr_record_set_region(r, PTR_LIT("eu-nl")), PTR_OK);

    assert_string_equal(ptr_record_region(r, &n), "eu-nl");
    assert_int_equal(n, 5);
    assert_string_equal(ptr_record_project(r, NULL), "p1");
    assert_string_equal(ptr_record_owner(r, NULL), "acct");
    assert_true(ptr_addr_equal(ptr_record_address(r), &a));
    const char *d = ptr_record_description(r, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(d, "a\0b", 4);
    assert_int_equal(ptr_record_name_count(r), 2);
    assert_string_equal(ptr_record_name(r, 1, &n), "mx.example.com.");
    assert_int_equal(n, 15);
    assert_null(ptr_record_name(r, 2, NULL));
    assert_int_equal(ptr_record_tag_count(r), 2);
    ptr_tag t;
    assert_status(ptr_record_tag(r, 0, &t), PTR_OK);
    assert_int_equal(t.key_len, 3);
    assert_memory_equal(t.key, "env", 3);
    assert_memory_equal(t.value, "prod", 4);
    assert_status(ptr_record_tag(r, 1, &t), PTR_OK);
    assert_int_equal(t.value_len, 0);
    assert_status(ptr_record_tag(r, 2, &t), PTR_E_INVAL);
    assert_int_equal(ptr_record_ttl(r), 3600);
    assert_int_equal(ptr_record_created(r), -5);
    assert_int_equal(ptr_record_updated(r), 1700000000);
    assert_int_equal(ptr_record_revision(r), 3);

    char id[64];
    assert_status(ptr_record_id(r, id, sizeof id, &n), PTR_OK);
    assert_string_equal(id, "eu-nl:203.0.113.10");
    assert_int_equal(n, 18);
    assert_status(ptr_record_id(r, id, 18, &n), PTR_E_BUFFER);
    assert_int_equal(n, 18);

    /* A copy is exact and independent. */
    ptr_record *c;
    assert_status(ptr_record_new(&counting, &c), PTR_OK);
    assert_status(ptr_record_copy(c, r), PTR_OK);
    ptr_record_clear_names(r);
    ptr_record_clear_tags(r);
    assert_int_equal(ptr_record_name_count(r), 0);
    assert_int_equal(ptr_record_tag_count(r), 0);
    assert_string_equal(ptr_record_name(c, 0, NULL), "mail.example.com.");
    assert_int_equal(ptr_record_tag_count(c), 2);
    assert_string_equal(ptr_record_region(c, NULL), "eu-nl");
    assert_int_equal(ptr_record_revision(c), 3);

    /* Reset empties everything and the record can be filled again. */
    ptr_record_reset(c);
    assert_string_equal(ptr_record_region(c, &n), "");
    assert_string_equal(ptr_record_description(c, &n), "");
    assert_int_equal(ptr_record_name_count(c), 0);
    assert_int_equal(ptr_record_revision(c), 0);
    assert_int_equal(ptr_record_address(c)->family, 0);
    assert_status(ptr_record_id(c, id, sizeof id, &n), PTR_E_INVAL);
    assert_status(ptr_record_add_name(c, PTR_LIT("x.example.")), PTR_OK);
    assert_string_equal(ptr_record_name(c, 0, NULL), "x.example.");

    ptr_record_free(c);
    ptr_record_free(r);
    ptr_record_free(NULL);
    assert_int_equal(live, 0);
}

/* Names added after tags, and names cleared under tags: both lists stay in their order. */
static void names_and_tags_interleaved(void **state)
{
    (void)state;
    ptr_record *r;
    assert_status(ptr_record_new(&counting, &r), PTR_OK);
    assert_status(ptr_record_add_tag(r, PTR_LIT("k1"), PTR_LIT("v1")), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("a.example.")), PTR_OK);
    assert_status(ptr_record_add_tag(r, PTR_LIT("k2"), PTR_LIT("")), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("b.example.")), PTR_OK);
    assert_int_equal(ptr_record_name_count(r), 2);
    assert_string_equal(ptr_record_name(r, 0, NULL), "a.example.");
    assert_string_equal(ptr_record_name(r, 1, NULL), "b.example.");
    ptr_tag t;
    assert_status(ptr_record_tag(r, 0, &t), PTR_OK);
    assert_string_equal(t.key, "k1");
    assert_string_equal(t.value, "v1");
    assert_status(ptr_record_tag(r, 1, &t), PTR_OK);
    assert_string_equal(t.key, "k2");
    assert_string_equal(t.value, "");
    assert_status(ptr_record_clear_names(r), PTR_OK);
    assert_status(ptr_record_tag(r, 1, &t), PTR_OK);
    assert_string_equal(t.key, "k2");
    assert_status(ptr_record_add_name(r, PTR_LIT("c.example.")), PTR_OK);
    assert_string_equal(ptr_record_name(r, 0, NULL), "c.example.");
    assert_status(ptr_record_tag(r, 0, &t), PTR_OK);
    assert_string_equal(t.key, "k1");
    ptr_record_free(r);
    assert_int_equal(live, 0);
}

/*
 * Setting a piece again leaves its old text behind until the arena would
 * grow; then the live pieces are compacted, so a record set a million times
 * stays small.
 */
static void arena_stays_bounded(void **state)
{
    (void)state;
    ptr_record *r;
    assert_status(ptr_record_new(&counting, &r), PTR_OK);
    char d[200];
    memset(d, 'x', sizeof d);
    assert_status(ptr_record_set_region(r, PTR_LIT("eu-de")), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("mail.example.com.")), PTR_OK);
    biggest = 0;
    for (int i = 0; i < 100000; i++) {
        const size_t n = (size_t)(i % 200) + 1;
        d[0] = (char)('a' + i % 26);
        assert_status(ptr_record_set_description(r, d, n), PTR_OK);
        assert_int_equal(ptr_record_description(r, NULL)[0], 'a' + i % 26);
    }
    /* Live text is under 250 bytes: no arena ever got near ten times that. */
    assert_true(biggest < 2048);
    assert_string_equal(ptr_record_region(r, NULL), "eu-de");
    assert_string_equal(ptr_record_name(r, 0, NULL), "mail.example.com.");
    ptr_record_free(r);
    assert_int_equal(live, 0);
}

/* After ptr_record_reserve, filling allocates nothing; and a reset record refills in place. */
static void reserve_then_fill(void **state)
{
    (void)state;
    ptr_record *r;
    assert_status(ptr_record_new(&counting, &r), PTR_OK);
    assert_status(ptr_record_reserve(r, 5 + 2 + 4 + 11 + 17 + 15 + 3 + 4, 2, 1), PTR_OK);
    const long before = allocs;
    assert_status(ptr_record_set_region(r, PTR_LIT("eu-de")), PTR_OK);
    assert_status(ptr_record_set_project(r, PTR_LIT("p1")), PTR_OK);
    assert_status(ptr_record_set_owner(r, PTR_LIT("acct")), PTR_OK);
    assert_status(ptr_record_set_description(r, PTR_LIT("description")), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("mail.example.com.")), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("mx.example.com.")), PTR_OK);
    assert_status(ptr_record_add_tag(r, PTR_LIT("env"), PTR_LIT("prod")), PTR_OK);
    assert_int_equal(allocs, before);
    ptr_record *c;
    assert_status(ptr_record_new(&counting, &c), PTR_OK);
    for (int i = 0; i < 3; i++) {
        const long mark = allocs;
        assert_status(ptr_record_copy(c, r), PTR_OK);
        if (i) /* the first copy sized c; the next ones reuse it */
            assert_int_equal(allocs, mark);
        ptr_record_reset(c);
    }
    assert_status(ptr_record_reserve(NULL, 1, 1, 1), PTR_E_INVAL);
    assert_status(ptr_record_reserve(r, SIZE_MAX, 0, 0), PTR_E_INVAL);
    assert_string_equal(ptr_record_owner(r, NULL), "acct"); /* a refused reserve changes nothing */
    ptr_record_free(c);
    ptr_record_free(r);
    assert_int_equal(live, 0);
}

/* A dup is one allocation, equal to its source, and an ordinary record after that. */
static void dup_is_one_block(void **state)
{
    (void)state;
    ptr_record *r, *d;
    assert_status(ptr_record_new(&counting, &r), PTR_OK);
    assert_status(ptr_record_set_region(r, PTR_LIT("eu-de")), PTR_OK);
    assert_status(ptr_record_set_description(r, PTR_LIT("old")), PTR_OK);
    assert_status(ptr_record_set_description(r, PTR_LIT("description")), PTR_OK); /* garbage */
    assert_status(ptr_record_add_name(r, PTR_LIT("mail.example.com.")), PTR_OK);
    assert_status(ptr_record_add_tag(r, PTR_LIT("env"), PTR_LIT("prod")), PTR_OK);
    assert_status(ptr_record_set_revision(r, 7), PTR_OK);
    const long before = allocs, live_before = live;
    assert_status(ptr_record_dup(r, &counting, &d), PTR_OK);
    assert_int_equal(allocs - before, 1);
    assert_int_equal(live - live_before, 1);
    assert_string_equal(ptr_record_region(d, NULL), "eu-de");
    assert_string_equal(ptr_record_description(d, NULL), "description");
    assert_string_equal(ptr_record_name(d, 0, NULL), "mail.example.com.");
    ptr_tag t;
    assert_status(ptr_record_tag(d, 0, &t), PTR_OK);
    assert_string_equal(t.value, "prod");
    assert_int_equal(ptr_record_revision(d), 7);
    /* Changed: its text and lists move out as they grow; the block itself is freed once. */
    for (int i = 0; i < 20; i++) {
        assert_status(ptr_record_add_name(d, PTR_LIT("mx.example.com.")), PTR_OK);
        assert_status(ptr_record_add_tag(d, PTR_LIT("k"), PTR_LIT("v")), PTR_OK);
        assert_status(ptr_record_set_description(d, PTR_LIT("a longer description")), PTR_OK);
    }
    assert_int_equal(ptr_record_name_count(d), 21);
    assert_string_equal(ptr_record_name(d, 0, NULL), "mail.example.com.");
    assert_string_equal(ptr_record_region(d, NULL), "eu-de");
    /* Reset and refilled by a copy, and a dup of a dup. */
    ptr_record_reset(d);
    assert_status(ptr_record_copy(d, r), PTR_OK);
    ptr_record *dd;
    assert_status(ptr_record_dup(d, NULL, &dd), PTR_OK);
    assert_string_equal(ptr_record_description(dd, NULL), "description");
    ptr_record_free(dd);
    ptr_record *empty, *de;
    assert_status(ptr_record_new(NULL, &empty), PTR_OK);
    assert_status(ptr_record_dup(empty, NULL, &de), PTR_OK);
    assert_string_equal(ptr_record_region(de, NULL), "");
    assert_status(ptr_record_set_region(de, PTR_LIT("r1")), PTR_OK);
    assert_string_equal(ptr_record_region(de, NULL), "r1");
    ptr_record_free(de);
    ptr_record_free(empty);
    assert_status(ptr_record_dup(NULL, NULL, &de), PTR_E_INVAL);
    assert_status(ptr_record_dup(r, NULL, NULL), PTR_E_INVAL);
    ptr_record_free(d);
    ptr_record_free(r);
    assert_int_equal(live, 0);
}

static void bad_arguments(void **state)
{
    (void)state;
    ptr_record *r;
    assert_status(ptr_record_new(NULL, NULL), PTR_E_INVAL);
    const ptr_allocator half = {c_malloc, NULL, c_free, NULL};
    assert_status(ptr_record_new(&half, &r), PTR_E_INVAL);
    assert_status(ptr_record_new(NULL, &r), PTR_OK);
    assert_status(ptr_record_set_region(NULL, PTR_LIT("x")), PTR_E_INVAL);
    assert_status(ptr_record_set_region(r, NULL, 3), PTR_E_INVAL);
    assert_status(ptr_record_add_name(r, NULL, 1), PTR_E_INVAL);
    assert_status(ptr_record_add_tag(r, NULL, 1, NULL, 0), PTR_E_INVAL);
    assert_status(ptr_record_add_tag(r, "k", 1, NULL, 2), PTR_E_INVAL);
    ptr_addr bad = {5, {0}};
    assert_status(ptr_record_set_address(r, &bad), PTR_E_INVAL);
    assert_status(ptr_record_set_address(r, NULL), PTR_E_INVAL);
    assert_status(ptr_record_copy(NULL, r), PTR_E_INVAL);
    assert_status(ptr_record_copy(r, r), PTR_OK);
    assert_null(ptr_record_region(NULL, NULL));
    assert_int_equal(ptr_record_name_count(NULL), 0);
    /* Failed setters changed nothing. */
    assert_string_equal(ptr_record_region(r, NULL), "");
    assert_int_equal(ptr_record_name_count(r), 0);
    ptr_record_free(r);
}

static void default_names(void **state)
{
    (void)state;
    char buf[256];
    size_t n;
    ptr_addr v4, v6;
    assert_status(ptr_addr_parse(PTR_LIT("203.0.113.10"), &v4), PTR_OK);
    assert_status(ptr_addr_parse(PTR_LIT("2001:db8::1"), &v6), PTR_OK);
    assert_status(
        ptr_default_name(PTR_LIT("ecs-{dashed}.compute.example.com"), &v4, buf, sizeof buf, &n),
        PTR_OK);
    assert_string_equal(buf, "ecs-203-0-113-10.compute.example.com");
    assert_int_equal(n, strlen(buf));
    /* NULL is PTR_DEFAULT_NAME_TEMPLATE. */
    assert_status(ptr_default_name(NULL, 0, &v4, buf, sizeof buf, &n), PTR_OK);
    assert_string_equal(buf, "ecs-203-0-113-10.compute.example.com");
    assert_status(
        ptr_default_name(PTR_LIT("{d}.{c}.{b}.{a}.rev.example.net"), &v4, buf, sizeof buf, &n),
        PTR_OK);
    assert_string_equal(buf, "10.113.0.203.rev.example.net");
    assert_status(ptr_default_name(PTR_LIT("v6-{dashed}.example.com"), &v6, buf, sizeof buf, &n),
                  PTR_OK);
    assert_string_equal(buf, "v6-2001-0db8-0000-0000-0000-0000-0000-0001.example.com");
    assert_status(ptr_default_name(PTR_LIT("h{hex}.example.com"), &v6, buf, sizeof buf, &n),
                  PTR_OK);
    assert_string_equal(buf, "h20010db8000000000000000000000001.example.com");
    /* Unknown braces are text; placeholders of the other family are refused. */
    assert_status(ptr_default_name(PTR_LIT("{x}{dashed"), &v4, buf, sizeof buf, &n), PTR_OK);
    assert_string_equal(buf, "{x}{dashed");
    assert_status(ptr_default_name(PTR_LIT("{a}.example.com"), &v6, buf, sizeof buf, &n),
                  PTR_E_INVAL);
    assert_status(ptr_default_name(PTR_LIT("{hex}.example.com"), &v4, buf, sizeof buf, &n),
                  PTR_E_INVAL);
    /* Too small a buffer reports the size needed (without the NUL). */
    assert_status(ptr_default_name(NULL, 0, &v4, buf, 36, &n), PTR_E_BUFFER);
    assert_int_equal(n, 36);
    assert_status(ptr_default_name(NULL, 0, &v4, buf, 37, &n), PTR_OK);
    assert_status(ptr_default_name(NULL, 0, NULL, buf, sizeof buf, &n), PTR_E_INVAL);
    assert_status(ptr_default_name(NULL, 3, &v4, buf, sizeof buf, &n), PTR_E_INVAL);
}

/* The public libc allocator is the one NULL stands for, and it works. */
static void libc_allocator(void **state)
{
    (void)state;
    const ptr_allocator *a = ptr_allocator_libc();
    assert_non_null(a);
    assert_ptr_equal(a, ptr_allocator_libc());
    assert_true(a->malloc && a->realloc && a->free && a->ctx == NULL);
    char *p = a->malloc(a->ctx, 8);
    assert_non_null(p);
    p = a->realloc(a->ctx, p, 64);
    assert_non_null(p);
    a->free(a->ctx, p);
    ptr_record *r;
    assert_status(ptr_record_new(a, &r), PTR_OK);
    assert_status(ptr_record_add_name(r, PTR_LIT("mail.example.com.")), PTR_OK);
    assert_int_equal(ptr_record_name_count(r), 1);
    ptr_record_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_roundtrip),
        cmocka_unit_test(names_and_tags_interleaved),
        cmocka_unit_test(arena_stays_bounded),
        cmocka_unit_test(reserve_then_fill),
        cmocka_unit_test(dup_is_one_block),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(default_names),
        cmocka_unit_test(libc_allocator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
