/*
 * The PostgreSQL store's ptr_store_methods slots: the reads, the writes and
 * the owners' limits, in a transaction pg_txn.c began; and the methods table.
 *
 * The owner's count (the quota) is a count on the owner index. A write
 * transaction that holds the owner's key (named, locked on first touch, or
 * G exclusively) keeps the count it read, plus its own inserts: while it
 * holds the key nobody else can raise the count, so a batch of 500 records
 * counts once. Others' deletes may lower it meanwhile; the kept count then
 * errs on the safe side. A remove or replace in the transaction forgets the
 * kept counts.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"

/* Rows per round trip of a scan; small first, since a page of a list is often short. */
#define SCAN_FIRST 32
#define SCAN_MAX   512

/* ---- reads ------------------------------------------------------------------------ */

static int addr_ok(const ptr_addr *a)
{
    return a && (a->family == 4 || a->family == 6);
}

static ptr_status pg_get(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr, ptr_record *out)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
    if (!m || !addr_ok(addr))
        return PTR_E_INVAL;
    if (m->in_write) {
        ptr_status st = ptr__pg_ensure_key(m, ptr__pg_addr_key(m, region, region_len, addr));
        if (st != PTR_OK)
            return st;
    }
    unsigned char key[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(addr, key);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, region, region_len);
    ptr__pg_param_bytes(&p, key, sizeof key);
    PGresult *r = ptr__pg_run(m, S_GET, &p);
    ptr_status st;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = ptr__pg_fail_res(m, "reading a record", r);
    else if (PQntuples(r) == 0)
        st = PTR_E_NOT_FOUND;
    else
        st = ptr__pg_row_decode(r, 0, 0, out, m->errmsg, sizeof m->errmsg);
    PQclear(r);
    return st;
}

static kept_count *kept_find(pgstore *m, int64_t key)
{
    for (unsigned i = 0; i < m->nkept; i++)
        if (m->kept[i].key == key)
            return &m->kept[i];
    return NULL;
}

/* Keep an owner's count while its key is held (never in a read transaction). */
static void kept_set(pgstore *m, int64_t key, uint64_t count)
{
    if (!m->in_write || !ptr__pg_held(m, key))
        return;
    kept_count *k = kept_find(m, key);
    if (!k && m->nkept < KEPT_OWNERS)
        k = &m->kept[m->nkept++];
    if (k)
        *k = (kept_count){key, count};
}

static ptr_status count_query(pgstore *m, int i, const ptr__pg_params *p, uint64_t *count)
{
    PGresult *r = ptr__pg_run(m, i, p);
    int64_t n = -1;
    ptr_status st = PTR_OK;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = ptr__pg_fail_res(m, "counting records", r);
    else if (PQntuples(r) != 1 || ptr__pg_int8(r, 0, 0, &n) != PTR_OK || n < 0)
        st = ptr__pg_fail_res(m, "counting records", r);
    PQclear(r);
    if (st == PTR_OK)
        *count = (uint64_t)n;
    return st;
}

static ptr_status pg_count_owner(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *count)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
    if (!m || !count)
        return PTR_E_INVAL;
    const int64_t key = ptr__pg_owner_key(m, owner, owner_len);
    if (m->in_write) {
        /* What a write transaction reads of an owner's count must stay true: hold the key. */
        ptr_status st = ptr__pg_ensure_key(m, key);
        if (st != PTR_OK)
            return st;
        const kept_count *k = kept_find(m, key);
        if (k) {
            *count = k->count;
            return PTR_OK;
        }
    }
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    ptr_status st = count_query(m, S_COUNT_OWNER, &p, count);
    if (st == PTR_OK)
        kept_set(m, key, *count);
    return st;
}

static void param_filter_text(ptr__pg_params *p, ptr_text t)
{
    if (t.len) {
        ptr__pg_param_bytes(p, t.s, t.len);
    } else {
        p->values[p->n] = NULL; /* SQL NULL: no condition */
        p->lengths[p->n] = 0;
        p->formats[p->n] = 1;
        p->n++;
    }
}

/* The filter asks for pending records (a filter from before the field has none). */
static int wants_pending(const ptr_store_filter *f)
{
    return f->struct_size >= offsetof(ptr_store_filter, dns_pending) + sizeof f->dns_pending &&
           f->dns_pending;
}

static ptr_status pg_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
    if (!m || !f || !visit || (after && !addr_ok(after)))
        return PTR_E_INVAL;
    ptr_record *rec;
    ptr_status st = ptr_record_new(&m->alloc, &rec);
    if (st != PTR_OK)
        return st;
    unsigned char cursor[PTR__PG_ADDR_LEN], limit[8];
    size_t cursor_len = 0; /* the empty key sorts before every address */
    if (after) {
        ptr__pg_addr_encode(after, cursor);
        cursor_len = sizeof cursor;
    }
    int64_t page = SCAN_FIRST;
    for (int done = 0; !done && st == PTR_OK;) {
        ptr__pg_params p;
        ptr__pg_params_init(&p);
        ptr__pg_param_bytes(&p, f->region.s, f->region.len);
        ptr__pg_param_bytes(&p, cursor, cursor_len);
        param_filter_text(&p, f->project);
        param_filter_text(&p, f->owner);
        ptr__pg_param_int8(&p, page, limit);
        PGresult *r = ptr__pg_run(m, wants_pending(f) ? S_SCAN_PENDING : S_SCAN, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = ptr__pg_fail_res(m, "scanning records", r);
            PQclear(r);
            break;
        }
        const int n = PQntuples(r);
        int stop = 0;
        for (int i = 0; i < n && st == PTR_OK && !stop; i++) {
            if ((st = ptr__pg_row_decode(r, i, 0, rec, m->errmsg, sizeof m->errmsg)) == PTR_OK)
                stop = ptr_store_filter_match(f, rec) && visit(visit_ctx, rec);
        }
        done = stop || n < page;
        if (st == PTR_OK && !done) {
            memcpy(cursor, PQgetvalue(r, n - 1, 1), PTR__PG_ADDR_LEN);
            cursor_len = PTR__PG_ADDR_LEN;
        }
        PQclear(r);
        if (page < SCAN_MAX)
            page *= 2;
    }
    ptr_record_free(rec);
    return st;
}

/* A count with name or tag filters: the matching rows, decoded and filtered, in key order. */
static ptr_status count_rows(pgstore *m, const ptr_store_filter *f, uint64_t *count)
{
    ptr_record *rec;
    ptr_status st = ptr_record_new(&m->alloc, &rec);
    if (st != PTR_OK)
        return st;
    ptr__bytebuf region = {&m->alloc, NULL, 0};
    size_t region_len = 0;
    unsigned char cursor[PTR__PG_ADDR_LEN], limit[8];
    size_t cursor_len = 0;
    for (int done = 0; !done && st == PTR_OK;) {
        ptr__pg_params p;
        ptr__pg_params_init(&p);
        param_filter_text(&p, f->region);
        param_filter_text(&p, f->project);
        param_filter_text(&p, f->owner);
        ptr__pg_param_int8(&p, SCAN_MAX, limit);
        ptr__pg_param_bytes(&p, region.p, region_len);
        ptr__pg_param_bytes(&p, cursor, cursor_len);
        PGresult *r = ptr__pg_run(m, wants_pending(f) ? S_COUNT_ROWS_PENDING : S_COUNT_ROWS, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = ptr__pg_fail_res(m, "counting records", r);
            PQclear(r);
            break;
        }
        const int n = PQntuples(r);
        done = n < SCAN_MAX;
        for (int i = 0; i < n && st == PTR_OK; i++)
            if ((st = ptr__pg_row_decode(r, i, 0, rec, m->errmsg, sizeof m->errmsg)) == PTR_OK)
                *count += (uint64_t)ptr_store_filter_match(f, rec);
        if (st == PTR_OK && n > 0 && !done) {
            region_len = (size_t)PQgetlength(r, n - 1, 0);
            if ((st = ptr__bytebuf_reserve(&region, region_len + 1)) == PTR_OK) {
                memcpy(region.p, PQgetvalue(r, n - 1, 0), region_len);
                memcpy(cursor, PQgetvalue(r, n - 1, 1), PTR__PG_ADDR_LEN);
                cursor_len = PTR__PG_ADDR_LEN;
            }
        }
        PQclear(r);
    }
    ptr__bytebuf_free(&region);
    ptr_record_free(rec);
    return st;
}

static ptr_status pg_count(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                           uint64_t *count)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
    if (!m || !f || !count)
        return PTR_E_INVAL;
    *count = 0;
    if (f->tag_count || f->name.len)
        return count_rows(m, f, count);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    param_filter_text(&p, f->region);
    param_filter_text(&p, f->project);
    param_filter_text(&p, f->owner);
    return count_query(m, wants_pending(f) ? S_COUNT_PENDING : S_COUNT, &p, count);
}

/* ---- writes ------------------------------------------------------------------------ */

/* The keys a write of rec needs: its address, and its owner when its count can rise. */
static ptr_status ensure_record_keys(pgstore *m, const ptr_record *rec, int owner_too,
                                     int64_t *okey)
{
    size_t rl, ol;
    const char *region = ptr_record_region(rec, &rl);
    const char *owner = ptr_record_owner(rec, &ol);
    if (!addr_ok(ptr_record_address(rec)))
        return PTR_E_INVAL;
    ptr_status st = ptr__pg_ensure_key(m, ptr__pg_addr_key(m, region, rl, ptr_record_address(rec)));
    *okey = ptr__pg_owner_key(m, owner, ol);
    if (st == PTR_OK && owner_too)
        st = ptr__pg_ensure_key(m, *okey);
    return st;
}

/* A record's parameters; one the store would refuse to read back is refused with its reason. */
static ptr_status record_params(pgstore *m, const ptr_record *rec, ptr__pg_row_ints *ints,
                                ptr__pg_params *p)
{
    ptr_status st = ptr__pg_row_params(rec, &m->buf, ints, p);
    size_t elen;
    ptr_record_dns_error(rec, &elen);
    if (st == PTR_E_INVAL && elen > PTR__PG_DNS_ERROR_MAX)
        snprintf(m->errmsg, sizeof m->errmsg,
                 "cannot store the record: a DNS error of %zu bytes, over the limit of %d", elen,
                 PTR__PG_DNS_ERROR_MAX);
    return st;
}

static ptr_status insert_row(pgstore *m, const ptr_record *rec, int64_t okey)
{
    ptr__pg_row_ints ints;
    ptr__pg_params p;
    ptr_status st = record_params(m, rec, &ints, &p);
    if (st != PTR_OK)
        return st;
    PGresult *r = ptr__pg_run(m, S_INSERT, &p);
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        st = ptr__pg_fail_res(m, "inserting a record", r);
    else if (strcmp(PQcmdTuples(r), "1") != 0)
        st = PTR_E_EXISTS;
    PQclear(r);
    kept_count *k = st == PTR_OK ? kept_find(m, okey) : NULL;
    if (k)
        k->count++;
    return st;
}

static ptr_status pg_insert(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    pgstore *m = ptr__pg_write_store(user, txn);
    if (!m || !rec)
        return PTR_E_INVAL;
    int64_t okey;
    ptr_status st = ensure_record_keys(m, rec, 1, &okey);
    return st == PTR_OK ? insert_row(m, rec, okey) : st;
}

static ptr_status key_taken(pgstore *m, const ptr_record *rec)
{
    size_t rl;
    const char *region = ptr_record_region(rec, &rl);
    unsigned char key[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(ptr_record_address(rec), key);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, region, rl);
    ptr__pg_param_bytes(&p, key, sizeof key);
    PGresult *r = ptr__pg_run(m, S_EXISTS, &p);
    ptr_status st;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = ptr__pg_fail_res(m, "looking up a record", r);
    else
        st = PQntuples(r) ? PTR_E_EXISTS : PTR_E_NOT_FOUND;
    PQclear(r);
    return st;
}

/*
 * One round trip: with the owner's count kept, the INSERT alone (its key
 * answers "exists"), or at the limit a lookup of the key; without, one
 * statement that counts, looks up and inserts.
 */
static ptr_status pg_insert_checked(void *user, ptr_store_txn *txn, const ptr_record *rec,
                                    uint64_t limit)
{
    pgstore *m = ptr__pg_write_store(user, txn);
    if (!m || !rec)
        return PTR_E_INVAL;
    int64_t okey;
    ptr_status st = ensure_record_keys(m, rec, 1, &okey);
    if (st != PTR_OK)
        return st;
    const kept_count *k = kept_find(m, okey);
    if (k && k->count < limit)
        return insert_row(m, rec, okey);
    if (k) {
        st = key_taken(m, rec);
        return st == PTR_E_NOT_FOUND ? PTR_E_QUOTA : st;
    }
    ptr__pg_row_ints ints;
    ptr__pg_params p;
    if ((st = record_params(m, rec, &ints, &p)) != PTR_OK)
        return st;
    unsigned char lim[8];
    ptr__pg_param_int8(&p, limit > INT64_MAX ? INT64_MAX : (int64_t)limit, lim);
    PGresult *r = ptr__pg_run(m, S_INSERT_CHECKED, &p);
    int64_t n = -1, inserted = -1;
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 ||
        ptr__pg_int8(r, 0, 0, &n) != PTR_OK || n < 0 || PQgetlength(r, 0, 1) != 1 ||
        ptr__pg_int8(r, 0, 2, &inserted) != PTR_OK) {
        st = ptr__pg_fail_res(m, "inserting a record", r);
        PQclear(r);
        return st;
    }
    const int taken = PQgetvalue(r, 0, 1)[0] != 0;
    PQclear(r);
    if (inserted == 1) {
        kept_set(m, okey, (uint64_t)n + 1);
        return PTR_OK;
    }
    kept_set(m, okey, (uint64_t)n);
    /* Not taken and under the limit, yet not inserted: another writer took the key. */
    return taken || (uint64_t)n < limit ? PTR_E_EXISTS : PTR_E_QUOTA;
}

static ptr_status changed_rows(pgstore *m, PGresult *r, const char *what)
{
    ptr_status st;
    if (PQresultStatus(r) != PGRES_COMMAND_OK)
        st = ptr__pg_fail_res(m, what, r);
    else
        st = strcmp(PQcmdTuples(r), "0") == 0 ? PTR_E_NOT_FOUND : PTR_OK;
    PQclear(r);
    return st;
}

static ptr_status pg_replace(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    pgstore *m = ptr__pg_write_store(user, txn);
    if (!m || !rec)
        return PTR_E_INVAL;
    int64_t okey;
    ptr_status st = ensure_record_keys(m, rec, 0, &okey);
    ptr__pg_row_ints ints;
    ptr__pg_params p;
    if (st == PTR_OK)
        st = record_params(m, rec, &ints, &p);
    if (st != PTR_OK)
        return st;
    m->nkept = 0; /* a replace may move a record between owners */
    /* The owner's key only when the record changes owner, which raises the new owner's count. */
    st = changed_rows(m,
                      ptr__pg_run(m, ptr__pg_held(m, okey) ? S_REPLACE : S_REPLACE_SAME_OWNER, &p),
                      "replacing a record");
    if (st != PTR_E_NOT_FOUND || ptr__pg_held(m, okey))
        return st;
    if ((st = ptr__pg_ensure_key(m, okey)) != PTR_OK)
        return st;
    return changed_rows(m, ptr__pg_run(m, S_REPLACE, &p), "replacing a record");
}

static ptr_status pg_remove(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    pgstore *m = ptr__pg_write_store(user, txn);
    if (!m || !addr_ok(addr))
        return PTR_E_INVAL;
    ptr_status st = ptr__pg_ensure_key(m, ptr__pg_addr_key(m, region, region_len, addr));
    if (st != PTR_OK)
        return st;
    m->nkept = 0;
    unsigned char key[PTR__PG_ADDR_LEN];
    ptr__pg_addr_encode(addr, key);
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, region, region_len);
    ptr__pg_param_bytes(&p, key, sizeof key);
    return changed_rows(m, ptr__pg_run(m, S_REMOVE, &p), "removing a record");
}

/* ---- owners' limits ------------------------------------------------------------------ */

static ptr_status pg_limit_get(void *user, ptr_store_txn *txn, const char *owner, size_t owner_len,
                               uint64_t *limit)
{
    /* ptr_pg_store_errmsg asking which store this is: answered without a transaction. */
    if (txn == (const void *)&ptr__pg_errmsg_cookie && owner == &ptr__pg_errmsg_cookie &&
        owner_len == 0) {
        *limit = (uint64_t)(uintptr_t)user;
        return PTR_OK;
    }
    pgstore *m = ptr__pg_txn_store(user, txn);
    if (!m || !limit)
        return PTR_E_INVAL;
    if (m->in_write) {
        ptr_status st = ptr__pg_ensure_key(m, ptr__pg_owner_key(m, owner, owner_len));
        if (st != PTR_OK)
            return st;
    }
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    PGresult *r = ptr__pg_run(m, S_LIMIT_GET, &p);
    int64_t v = 0;
    ptr_status st = PTR_OK;
    if (PQresultStatus(r) != PGRES_TUPLES_OK)
        st = ptr__pg_fail_res(m, "reading an owner's limit", r);
    else if (PQntuples(r) == 0)
        st = PTR_E_NOT_FOUND;
    else if (ptr__pg_int8(r, 0, 0, &v) != PTR_OK || v < 0)
        st = ptr__pg_fail_res(m, "reading an owner's limit", r);
    PQclear(r);
    if (st == PTR_OK)
        *limit = (uint64_t)v;
    return st;
}

static ptr_status pg_limit_set(void *user, ptr_store_txn *txn, const char *owner, size_t owner_len,
                               uint64_t limit)
{
    pgstore *m = ptr__pg_write_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = ptr__pg_ensure_key(m, ptr__pg_owner_key(m, owner, owner_len));
    if (st != PTR_OK)
        return st;
    unsigned char v[8];
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    ptr__pg_param_int8(&p, limit > INT64_MAX ? INT64_MAX : (int64_t)limit, v);
    PGresult *r = ptr__pg_run(m, S_LIMIT_SET, &p);
    st = PQresultStatus(r) == PGRES_COMMAND_OK ? PTR_OK : ptr__pg_fail_res(m, "setting a limit", r);
    PQclear(r);
    return st;
}

static ptr_status pg_limit_remove(void *user, ptr_store_txn *txn, const char *owner,
                                  size_t owner_len)
{
    pgstore *m = ptr__pg_write_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = ptr__pg_ensure_key(m, ptr__pg_owner_key(m, owner, owner_len));
    if (st != PTR_OK)
        return st;
    ptr__pg_params p;
    ptr__pg_params_init(&p);
    ptr__pg_param_bytes(&p, owner, owner_len);
    return changed_rows(m, ptr__pg_run(m, S_LIMIT_REMOVE, &p), "removing a limit");
}

static ptr_status pg_limit_scan(void *user, ptr_store_txn *txn, ptr_store_limit_visit_fn visit,
                                void *visit_ctx)
{
    pgstore *m = ptr__pg_txn_store(user, txn);
    if (!m || !visit)
        return PTR_E_INVAL;
    ptr__bytebuf after = {&m->alloc, NULL, 0};
    size_t after_len = 0;
    ptr_status st = PTR_OK;
    for (int done = 0; !done && st == PTR_OK;) {
        unsigned char lim[8];
        ptr__pg_params p;
        ptr__pg_params_init(&p);
        ptr__pg_param_bytes(&p, after.p, after_len);
        ptr__pg_param_int8(&p, SCAN_MAX, lim);
        PGresult *r = ptr__pg_run(m, S_LIMIT_SCAN, &p);
        if (PQresultStatus(r) != PGRES_TUPLES_OK) {
            st = ptr__pg_fail_res(m, "scanning limits", r);
            PQclear(r);
            break;
        }
        const int n = PQntuples(r);
        int stop = 0;
        for (int i = 0; i < n && !stop; i++) {
            int64_t v;
            if (ptr__pg_int8(r, i, 1, &v) != PTR_OK || v < 0) {
                st = ptr__pg_fail_res(m, "scanning limits", r);
                break;
            }
            stop = visit(visit_ctx, PQgetvalue(r, i, 0), (size_t)PQgetlength(r, i, 0),
                         (uint64_t)v) != 0;
        }
        done = stop || n < SCAN_MAX;
        if (st == PTR_OK && !done) {
            after_len = (size_t)PQgetlength(r, n - 1, 0);
            if ((st = ptr__bytebuf_reserve(&after, after_len + 1)) == PTR_OK)
                memcpy(after.p, PQgetvalue(r, n - 1, 0), after_len);
        }
        PQclear(r);
    }
    ptr__bytebuf_free(&after);
    return st;
}

/* ---- the methods table ------------------------------------------------------------ */

const ptr_store_methods ptr__pg_store_methods = {
    .version = PTR_STORE_METHODS_VERSION,
    .begin = ptr__pg_begin,
    .commit = ptr__pg_commit,
    .rollback = ptr__pg_rollback,
    .get = pg_get,
    .insert = pg_insert,
    .replace = pg_replace,
    .remove = pg_remove,
    .count_owner = pg_count_owner,
    .scan = pg_scan,
    .destroy = ptr__pg_destroy,
    .insert_checked = pg_insert_checked,
    .count = pg_count,
    .begin_keys = ptr__pg_begin_keys,
    .owner_limit_get = pg_limit_get,
    .owner_limit_set = pg_limit_set,
    .owner_limit_remove = pg_limit_remove,
    .owner_limit_scan = pg_limit_scan,
};
