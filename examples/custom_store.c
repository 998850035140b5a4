/*
 * Embedding the libptr service with a store of your own.
 *
 * A store is a table of functions over your database. This one keeps records
 * in an array, which is enough to show the contract a real one must keep:
 *
 *  - begin(WRITE) isolates: here a mutex held until commit or rollback. Over
 *    SQLite that is "BEGIN IMMEDIATE"; a database shared by many hosts
 *    would rather offer the optional begin_keys slot and lock only the
 *    owner and addresses a write names (see docs/store.md);
 *  - rollback undoes the transaction: here the array is copied at begin and
 *    put back at rollback (a database does this for you);
 *  - insert refuses a duplicate key (region, address) by itself: a UNIQUE
 *    index in a database;
 *  - count answers a list's total (a SELECT count(*) in a database).
 *
 * The service does the rest: validation, the quota, uniqueness checks,
 * retries on PTR_E_BUSY.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libptr/libptr.h>

#define MAX_RECORDS 64

typedef struct array_store {
    pthread_mutex_t lock;
    ptr_record *rows[MAX_RECORDS];
    size_t n;
    ptr_record *saved[MAX_RECORDS]; /* the rows at begin(WRITE), for rollback */
    size_t saved_n;
    int writing;
} array_store;

static int same_key(const ptr_record *r, const char *region, size_t len, const ptr_addr *a)
{
    size_t rl;
    const char *rr = ptr_record_region(r, &rl);
    return rl == len && memcmp(rr, region, len) == 0 && ptr_addr_equal(ptr_record_address(r), a);
}

static long find(const array_store *s, const char *region, size_t len, const ptr_addr *a)
{
    for (size_t i = 0; i < s->n; i++)
        if (same_key(s->rows[i], region, len, a))
            return (long)i;
    return -1;
}

static ptr_status st_begin(void *user, unsigned flags, ptr_store_txn **txn)
{
    array_store *s = user;
    pthread_mutex_lock(&s->lock); /* reads lock too: simplest serializable store */
    s->writing = (flags & PTR_TXN_WRITE) != 0;
    if (s->writing) {
        /* Keep the rows as they are; changes replace rows, never edit them in place. */
        memcpy(s->saved, s->rows, sizeof s->rows);
        s->saved_n = s->n;
    }
    *txn = (ptr_store_txn *)s;
    return PTR_OK;
}

/* Free rows that are in a but not in b. */
static void free_unshared(ptr_record **a, size_t an, ptr_record **b, size_t bn)
{
    for (size_t i = 0; i < an; i++) {
        size_t j = 0;
        while (j < bn && b[j] != a[i])
            j++;
        if (j == bn)
            ptr_record_free(a[i]);
    }
}

static ptr_status st_commit(void *user, ptr_store_txn *txn)
{
    array_store *s = user;
    (void)txn;
    if (s->writing)
        free_unshared(s->saved, s->saved_n, s->rows, s->n);
    pthread_mutex_unlock(&s->lock);
    return PTR_OK;
}

static void st_rollback(void *user, ptr_store_txn *txn)
{
    array_store *s = user;
    (void)txn;
    if (s->writing) {
        free_unshared(s->rows, s->n, s->saved, s->saved_n);
        memcpy(s->rows, s->saved, sizeof s->rows);
        s->n = s->saved_n;
    }
    pthread_mutex_unlock(&s->lock);
}

static ptr_status st_get(void *user, ptr_store_txn *txn, const char *region, size_t len,
                         const ptr_addr *a, ptr_record *out)
{
    array_store *s = user;
    (void)txn;
    long i = find(s, region, len, a);
    return i < 0 ? PTR_E_NOT_FOUND : ptr_record_copy(out, s->rows[i]);
}

static ptr_status copy_row(const ptr_record *rec, ptr_record **out)
{
    ptr_status st = ptr_record_new(NULL, out);
    if (st == PTR_OK && (st = ptr_record_copy(*out, rec)) != PTR_OK)
        ptr_record_free(*out);
    return st;
}

static ptr_status st_insert(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    array_store *s = user;
    (void)txn;
    if (!s->writing)
        return PTR_E_INVAL;
    size_t len;
    const char *region = ptr_record_region(rec, &len);
    if (find(s, region, len, ptr_record_address(rec)) >= 0)
        return PTR_E_EXISTS; /* the store's own uniqueness check */
    if (s->n == MAX_RECORDS)
        return PTR_E_STORE; /* "disk full" */
    ptr_status st = copy_row(rec, &s->rows[s->n]);
    if (st == PTR_OK)
        s->n++;
    return st;
}

static ptr_status st_replace(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    array_store *s = user;
    (void)txn;
    if (!s->writing)
        return PTR_E_INVAL;
    size_t len;
    const char *region = ptr_record_region(rec, &len);
    long i = find(s, region, len, ptr_record_address(rec));
    if (i < 0)
        return PTR_E_NOT_FOUND;
    ptr_record *row;
    ptr_status st = copy_row(rec, &row);
    if (st != PTR_OK)
        return st;
    /* The old row may be needed by a rollback: free it only if it is not saved. */
    free_unshared(&s->rows[i], 1, s->saved, s->saved_n);
    s->rows[i] = row;
    return PTR_OK;
}

static ptr_status st_remove(void *user, ptr_store_txn *txn, const char *region, size_t len,
                            const ptr_addr *a)
{
    array_store *s = user;
    (void)txn;
    if (!s->writing)
        return PTR_E_INVAL;
    long i = find(s, region, len, a);
    if (i < 0)
        return PTR_E_NOT_FOUND;
    free_unshared(&s->rows[i], 1, s->saved, s->saved_n);
    s->rows[i] = s->rows[--s->n];
    return PTR_OK;
}

static ptr_status st_count_owner(void *user, ptr_store_txn *txn, const char *owner, size_t len,
                                 uint64_t *count)
{
    array_store *s = user;
    (void)txn;
    *count = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t ol;
        const char *o = ptr_record_owner(s->rows[i], &ol);
        *count += ol == len && memcmp(o, owner, len) == 0;
    }
    return PTR_OK;
}

/* Visit in address order: pick the smallest address above the cursor each time. */
static ptr_status st_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *ctx)
{
    array_store *s = user;
    (void)txn;
    const ptr_addr *cursor = after;
    for (;;) {
        const ptr_record *next = NULL;
        for (size_t i = 0; i < s->n; i++) {
            const ptr_addr *a = ptr_record_address(s->rows[i]);
            if (!ptr_store_filter_match(f, s->rows[i]) ||
                (cursor && ptr_addr_compare(a, cursor) <= 0))
                continue;
            if (!next || ptr_addr_compare(a, ptr_record_address(next)) < 0)
                next = s->rows[i];
        }
        if (!next || visit(ctx, next))
            return PTR_OK;
        cursor = ptr_record_address(next);
    }
}

/* Count by filter (an empty region: every region), the slot behind a list's total. */
static ptr_status st_count(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                           uint64_t *count)
{
    array_store *s = user;
    (void)txn;
    *count = 0;
    for (size_t i = 0; i < s->n; i++)
        *count += (uint64_t)ptr_store_filter_match(f, s->rows[i]);
    return PTR_OK;
}

static void st_destroy(void *user)
{
    array_store *s = user;
    for (size_t i = 0; i < s->n; i++)
        ptr_record_free(s->rows[i]);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static ptr_status array_store_new(ptr_store **out)
{
    array_store *s = calloc(1, sizeof *s);
    if (!s)
        return PTR_E_NOMEM;
    pthread_mutex_init(&s->lock, NULL);
    /* The table is copied by ptr_store_new: a local variable is fine. */
    const ptr_store_methods m = {
        .version = PTR_STORE_METHODS_VERSION,
        .begin = st_begin,
        .commit = st_commit,
        .rollback = st_rollback,
        .get = st_get,
        .insert = st_insert,
        .replace = st_replace,
        .remove = st_remove,
        .count_owner = st_count_owner,
        .scan = st_scan,
        .destroy = st_destroy,
        .count = st_count,
    };
    ptr_status st = ptr_store_new(&m, s, out);
    if (st != PTR_OK)
        st_destroy(s);
    return st;
}

static void fail(const char *what, ptr_status st, const ptr_error *e)
{
    fprintf(stderr, "%s: %s (%s) %s: %s\n", what, ptr_status_name(st), ptr_status_cloud_code(st),
            ptr_field_name(e->field), e->message);
}

int main(void)
{
    ptr_store *store;
    ptr_ctx *ctx;
    ptr_error err;
    ptr_status st = array_store_new(&store);
    if (st != PTR_OK)
        return 1;

    ptr_policy policy;
    ptr_policy_init(&policy);
    policy.max_records_per_owner = 2;
    ptr_ctx_config cfg;
    ptr_ctx_config_init(&cfg);
    cfg.store = store; /* borrowed: freed below, after the context */
    cfg.policy = &policy;
    if ((st = ptr_ctx_new(&cfg, &ctx, &err)) != PTR_OK) {
        fail("ptr_ctx_new", st, &err);
        ptr_store_free(store);
        return 1;
    }

    const ptr_scope scope = {{"eu-de", 5}, {"project-1", 9}, {"account-7", 9}};
    const ptr_text names[] = {{"Mail.Example.com", 16}};
    ptr_request req;
    ptr_request_init(&req);
    req.address = (ptr_text){"203.0.113.10", 12};
    req.names = names;
    req.name_count = 1;
    ptr_record *rec;
    ptr_record_new(NULL, &rec);
    if ((st = ptr_ctx_create(ctx, &scope, &req, rec, &err)) != PTR_OK)
        fail("create", st, &err);
    else
        printf("created %s -> %s (TTL %u)\n", "203.0.113.10", ptr_record_name(rec, 0, NULL),
               (unsigned)ptr_record_ttl(rec));

    /* A second record for the same address is refused, whatever the project. */
    st = ptr_ctx_create(ctx, &scope, &req, NULL, &err);
    printf("again: %s\n", ptr_status_name(st));

    int is_default;
    ptr_ctx_resolve(ctx, &scope, "203.0.113.11", 12, rec, &is_default, &err);
    printf("203.0.113.11 answers %s%s\n", ptr_record_name(rec, 0, NULL),
           is_default ? " (default name)" : "");

    uint64_t used, limit;
    if (ptr_ctx_quota(ctx, "account-7", 9, &used, &limit, &err) == PTR_OK)
        printf("quota: %llu of %llu used\n", (unsigned long long)used, (unsigned long long)limit);

    ptr_record_free(rec);
    ptr_ctx_free(ctx);
    ptr_store_free(store);
    return 0;
}
