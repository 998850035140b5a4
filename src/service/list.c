/*
 * Listing: filters, pagination by marker, the total count, and the page
 * object handed to the caller.
 *
 * The marker is the last address of the previous page and the store scans in
 * address order from just after it (through its index), so a page costs the
 * page, wherever it is, and never depends on how many records came before:
 * records created or deleted between two pages cannot make a record that
 * existed all along be skipped or repeated (what an offset would do). The
 * total is the store's own count, in the same read transaction.
 */
#include <string.h>

#include "service/service_internal.h"

#define QUERY_V1_SIZE (offsetof(ptr_list_query, marker) + sizeof(ptr_text))

struct ptr_record_list {
    ptr_allocator alloc;
    ptr_record **items;
    size_t n, cap;
    int64_t total;
    char marker[PTR_ADDR_STRLEN];
    size_t marker_len;
};

void ptr_list_query_init(ptr_list_query *q)
{
    if (!q)
        return;
    memset(q, 0, sizeof *q);
    q->struct_size = (uint32_t)sizeof *q;
}

size_t ptr_record_list_count(const ptr_record_list *l)
{
    return l ? l->n : 0;
}

const ptr_record *ptr_record_list_at(const ptr_record_list *l, size_t i)
{
    return l && i < l->n ? l->items[i] : NULL;
}

int64_t ptr_record_list_total(const ptr_record_list *l)
{
    return l ? l->total : -1;
}

ptr_status ptr_record_list_next_marker(const ptr_record_list *l, char *buf, size_t cap,
                                       size_t *out_len)
{
    if (!l || !buf)
        return PTR_E_INVAL;
    if (out_len)
        *out_len = l->marker_len;
    if (cap <= l->marker_len)
        return PTR_E_BUFFER;
    memcpy(buf, l->marker, l->marker_len + 1);
    return PTR_OK;
}

static void list_clear(ptr_record_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        ptr_record_free(l->items[i]);
    l->n = 0;
    l->total = -1;
    l->marker[0] = '\0';
    l->marker_len = 0;
}

void ptr_record_list_free(ptr_record_list *l)
{
    if (!l)
        return;
    list_clear(l);
    if (l->items)
        l->alloc.free(l->alloc.ctx, l->items);
    l->alloc.free(l->alloc.ctx, l);
}

typedef struct list_arg {
    const ptr_store_filter *filter;
    const ptr_addr *marker; /* NULL: from the start */
    uint32_t limit;
    int want_total;
    ptr_record_list *list;
    ptr_status failed; /* set by the visitor; scan itself cannot carry it */
    int more;          /* a match beyond the page exists */
    uint64_t total;
} list_arg;

static int visit(void *p, const ptr_record *rec)
{
    list_arg *a = p;
    ptr_record_list *l = a->list;
    if (l->n == a->limit) {
        a->more = 1;
        return 1;
    }
    ptr_record **items = ptr__grow(&l->alloc, l->items, &l->cap, l->n + 1, sizeof *items);
    if (!items) {
        a->failed = PTR_E_NOMEM;
        return 1;
    }
    l->items = items;
    ptr_record *copy;
    if (ptr_record_new(&l->alloc, &copy) != PTR_OK) {
        a->failed = PTR_E_NOMEM;
        return 1;
    }
    if (ptr_record_copy(copy, rec) != PTR_OK) {
        ptr_record_free(copy);
        a->failed = PTR_E_NOMEM;
        return 1;
    }
    l->items[l->n++] = copy;
    return 0;
}

static ptr_status list_body(ptr_ctx *c, ptr_store_txn *txn, void *p, ptr_error *err)
{
    (void)err;
    list_arg *a = p;
    /* A retried transaction starts over. */
    list_clear(a->list);
    a->failed = PTR_OK;
    a->more = 0;
    a->total = 0;
    ptr_status st = ptr_store_scan(ptr__ctx_store(c), txn, a->filter, a->marker, visit, a);
    if (st == PTR_OK)
        st = a->failed;
    if (st == PTR_OK && a->want_total)
        st = ptr_store_count(ptr__ctx_store(c), txn, a->filter, &a->total);
    return st;
}

ptr_status ptr_ctx_list(ptr_ctx *c, const ptr_scope *scope, const ptr_list_query *q,
                        ptr_record_list **out, ptr_error *err)
{
    if (!c || !out)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context or output missing");
    ptr_status st = ptr__scope_check(scope, 0, err);
    if (st != PTR_OK)
        return st;
    if (!q || q->struct_size < QUERY_V1_SIZE)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         "query missing or not set up by ptr_list_query_init()");
    if (q->flags & ~PTR_LIST_TOTAL)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "unknown query flag");
    if (q->limit > PTR_LIST_LIMIT_MAX)
        return ptr__failn(err, PTR_E_INVAL, PTR_FIELD_LIMIT, 0, 0,
                          "limit must be 1 to %u (0: the largest)", PTR_LIST_LIMIT_MAX);
    const ptr_policy *p = ptr__ctx_policy(c);

    ptr_store_filter f;
    ptr_store_filter_init(&f);
    f.region = scope->region;
    f.project = scope->project;
    if (q->owner.len && (st = ptr__scope_text_check(q->owner, PTR_FIELD_OWNER, err)) != PTR_OK)
        return st;
    f.owner = q->owner;
    if (q->tag_count && !q->tags)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_TAGS, 0, 0, "NULL tags array");
    for (size_t i = 0; i < q->tag_count; i++) {
        const ptr_tag *t = &q->tags[i];
        /* A filter without a value still needs a valid key. */
        st = ptr_tag_check(t->key, t->key_len, t->value ? t->value : "",
                           t->value ? t->value_len : 0, p, err);
        if (st != PTR_OK) {
            if (err)
                err->index = (uint32_t)i;
            return st;
        }
    }
    f.tags = q->tags;
    f.tag_count = q->tag_count;
    char name[PTR_NAME_BUFSZ];
    if (q->name.len) {
        size_t nlen = 0;
        if (!q->name.s)
            return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NAME, 0, 0, "NULL text");
        st = ptr_name_normalize(q->name.s, q->name.len, p->name_flags, name, sizeof name, &nlen,
                                err);
        if (st != PTR_OK)
            return st;
        f.name = (ptr_text){name, nlen};
    }
    ptr_addr marker;
    if (q->marker.len) {
        if (!q->marker.s || ptr_addr_parse(q->marker.s, q->marker.len, &marker) != PTR_OK)
            return ptr__fail(err, PTR_E_ADDR, PTR_FIELD_MARKER, 0, 0,
                             "the marker is not an address from a page's next_marker");
    }

    const ptr_allocator *a = ptr__ctx_allocator(c);
    ptr_record_list *l = a->malloc(a->ctx, sizeof *l);
    if (!l)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    memset(l, 0, sizeof *l);
    l->alloc = *a;
    l->total = -1;
    list_arg la = {&f,
                   q->marker.len ? &marker : NULL,
                   q->limit ? q->limit : PTR_LIST_LIMIT_MAX,
                   (q->flags & PTR_LIST_TOTAL) != 0,
                   l,
                   PTR_OK,
                   0,
                   0};
    st = ptr__run_txn(c, PTR_TXN_READ, NULL, list_body, &la, err);
    if (st != PTR_OK) {
        ptr_record_list_free(l);
        return st;
    }
    if (la.want_total)
        l->total = (int64_t)la.total;
    if (la.more && l->n) {
        /* Formatting a valid address into PTR_ADDR_STRLEN bytes cannot fail. */
        ptr_addr_format(ptr_record_address(l->items[l->n - 1]), l->marker, sizeof l->marker,
                        &l->marker_len);
    }
    *out = l;
    return PTR_OK;
}
