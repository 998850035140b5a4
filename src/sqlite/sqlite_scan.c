/*
 * scan and count of the SQLite store, and what they do with a row they
 * cannot read back.
 *
 * A page is a range of the key index (region, address) from the marker on,
 * read as far as the visitor wants: its cost is the page, wherever the
 * marker is. A count by region and project is one row of ptr_scope_count
 * (sqlite_scope.c), by region or project alone a sum of its rows, by owner
 * alone the owner's count; with an owner and more, count(*) of the rows
 * (through the key index when the region is given); with names or tags, a
 * scan that counts the matches.
 *
 * A corrupt row: one whose values do not decode or exceed the limits, or
 * one SQLite refuses to load (SQLITE_TOOBIG, SQLITE_LIMIT_LENGTH set by
 * open). The latter stops the statement, so the scan finds the row's key
 * through the key index alone (no value of the row is loaded), looks at
 * that row by itself, and goes on after it. In a read transaction of a store
 * opened with PTR_SQLITE_SKIP_CORRUPT such a row is skipped and counted
 * (ptr_sqlite_store_skipped); otherwise it fails the scan with PTR_E_STORE,
 * its address in the message. A write transaction never skips: what it
 * decides may depend on every row.
 *
 * The pending records (ptr_store_filter.dns_pending): a page is a range of
 * the partial index ptr_record_pending, and a count its entries, so that
 * both cost what is pending, not what is stored.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"

typedef ptr__sqlite_store sqlstore;

/* The filter asks for pending records (a filter from before the field has none). */
static int wants_pending(const ptr_store_filter *f)
{
    return f->struct_size >= offsetof(ptr_store_filter, dns_pending) + sizeof f->dns_pending &&
           f->dns_pending;
}

/* "203.0.113.7 in region eu-de" (or the key's length when it is not an address key). */
static void row_label(char *out, size_t cap, const char *region, size_t region_len,
                      const unsigned char *key, size_t key_len)
{
    ptr_addr a;
    char addr[PTR_ADDR_STRLEN];
    size_t n;
    if (ptr__sqlite_addr_decode(key, key_len, &a) == PTR_OK &&
        ptr_addr_format(&a, addr, sizeof addr, &n) == PTR_OK)
        snprintf(out, cap, "%s in region %.*s", addr, (int)(region_len > 64 ? 64 : region_len),
                 region_len ? region : "");
    else
        snprintf(out, cap, "an address key of %zu bytes in region %.*s", key_len,
                 (int)(region_len > 64 ? 64 : region_len), region_len ? region : "");
}

ptr_status ptr__sqlite_corrupt(const sqlstore *m, const char *region, size_t region_len,
                               const unsigned char *key, size_t key_len, const char *why)
{
    char label[160];
    row_label(label, sizeof label, region, region_len, key, key_len);
    return ptr__sqlite_diag_fail(m, PTR_E_STORE, "corrupt row for %s: %s", label, why);
}

/* A corrupt row met by a scan: skipped and counted (PTR_OK), or the scan's failure. */
static ptr_status corrupt_in_scan(sqlstore *m, const char *region, size_t region_len,
                                  const unsigned char *key, size_t key_len, const char *why)
{
    if (!m->skip_corrupt || m->in_write)
        return ptr__sqlite_corrupt(m, region, region_len, key, key_len, why);
    char label[160], what[224];
    row_label(label, sizeof label, region, region_len, key, key_len);
    snprintf(what, sizeof what, "corrupt row for %s (%s)", label, why);
    ptr__sqlite_diag_skipped(m, what);
    return PTR_OK;
}

/* Remember the key of the row being read (m->key), to go on after it. */
static ptr_status keep_key(sqlstore *m, const void *p, size_t len, size_t *kept)
{
    ptr_status s = ptr__bytebuf_reserve(&m->key, len ? len : 1);
    if (s != PTR_OK)
        return s;
    if (len)
        memcpy(m->key.p, p, len);
    *kept = len;
    return PTR_OK;
}

typedef struct scan_ctx {
    sqlstore *m;
    const ptr_store_filter *f;
    const char *region;
    size_t region_len;
    ptr_store_visit_fn visit;
    void *visit_ctx;
    size_t key_len; /* m->key holds the last row's key; 0 with none yet */
    int stopped;    /* the visitor said stop */
    int pending;    /* wants_pending(f): the statements of ptr_record_pending */
} scan_ctx;

/* Decode the current row of st and hand it to the visitor when it matches. */
static ptr_status take_row(scan_ctx *c, sqlite3_stmt *st)
{
    sqlstore *m = c->m;
    char why[160];
    ptr__sqlite_row row;
    ptr_status s =
        keep_key(m, sqlite3_column_blob(st, 1), (size_t)sqlite3_column_bytes(st, 1), &c->key_len);
    if (s != PTR_OK)
        return s;
    why[0] = '\0';
    s = ptr__sqlite_row_read(st, 0, &row);
    if (s == PTR_OK)
        s = ptr__sqlite_row_decode(&row, &m->lim, m->scratch, why, sizeof why);
    if (s == PTR_E_STORE)
        return corrupt_in_scan(m, c->region, c->region_len, m->key.p, c->key_len,
                               why[0] ? why : "a column of the wrong type");
    if (s != PTR_OK)
        return s;
    if (ptr_store_filter_match(c->f, m->scratch) && c->visit(c->visit_ctx, m->scratch))
        c->stopped = 1;
    return PTR_OK;
}

/*
 * The scan stopped at a row SQLite would not load: find its key after the
 * last one read, through the key index, and look at that row alone.
 */
static ptr_status past_big_row(scan_ctx *c)
{
    sqlstore *m = c->m;
    sqlite3_stmt *nk = m->stmt[c->pending ? PTR__S_NEXT_PENDING : PTR__S_NEXT_KEY];
    int rc = ptr__sqlite_bind_text(nk, 1, c->region, c->region_len);
    if (rc == SQLITE_OK)
        rc = c->key_len ? sqlite3_bind_blob(nk, 2, m->key.p, (int)c->key_len, SQLITE_STATIC)
                        : sqlite3_bind_zeroblob(nk, 2, 0);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(nk);
    ptr_status s = PTR_OK;
    if (rc == SQLITE_ROW)
        s = keep_key(m, sqlite3_column_blob(nk, 0), (size_t)sqlite3_column_bytes(nk, 0),
                     &c->key_len);
    else
        s = ptr__sqlite_diag_rc(m, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
    ptr__sqlite_stmt_done(nk);
    if (s != PTR_OK)
        return s;

    sqlite3_stmt *pr = m->stmt[PTR__S_PROBE];
    rc = ptr__sqlite_bind_text(pr, 1, c->region, c->region_len);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(pr, 2, m->key.p, (int)c->key_len, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(pr);
    if (rc == SQLITE_ROW)
        s = take_row(c, pr); /* the row loads alone: its project did not match, say */
    else if ((rc & 0xff) == SQLITE_TOOBIG)
        s = corrupt_in_scan(m, c->region, c->region_len, m->key.p, c->key_len,
                            sqlite3_errmsg(m->db));
    else
        s = ptr__sqlite_diag_rc(m, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc);
    ptr__sqlite_stmt_done(pr);
    return s;
}

static int bind_filter_text(sqlite3_stmt *st, int i, ptr_text t)
{
    return t.len ? ptr__sqlite_bind_text(st, i, t.s, t.len) : sqlite3_bind_null(st, i);
}

/* The records of one region after the key in m->key (c->key_len bytes; none: from the start). */
static ptr_status scan_region(scan_ctx *c)
{
    sqlstore *m = c->m;
    sqlite3_stmt *st = m->stmt[c->pending ? PTR__S_SCAN_PENDING : PTR__S_SCAN];
    /* A visitor that scans again would reset the scan it is called from. */
    if (sqlite3_stmt_busy(st))
        return PTR_E_INVAL;
    ptr_status s = PTR_OK;
    while (s == PTR_OK && !c->stopped) {
        /* TRANSIENT: m->key changes with every row while the statement runs. */
        int rc = ptr__sqlite_bind_text(st, 1, c->region, c->region_len);
        if (rc == SQLITE_OK)
            rc = c->key_len ? sqlite3_bind_blob(st, 2, m->key.p, (int)c->key_len, SQLITE_TRANSIENT)
                            : sqlite3_bind_zeroblob(st, 2, 0); /* before every key */
        if (rc == SQLITE_OK)
            rc = bind_filter_text(st, 3, c->f->project);
        if (rc == SQLITE_OK)
            rc = bind_filter_text(st, 4, c->f->owner);
        while (rc == SQLITE_OK || rc == SQLITE_ROW) {
            if ((rc = sqlite3_step(st)) != SQLITE_ROW)
                break;
            if ((s = take_row(c, st)) != PTR_OK || c->stopped)
                break;
        }
        ptr__sqlite_stmt_done(st);
        if (s != PTR_OK || c->stopped || rc == SQLITE_DONE)
            break;
        if ((rc & 0xff) != SQLITE_TOOBIG) {
            s = ptr__sqlite_diag_rc(m, rc);
            break;
        }
        s = past_big_row(c); /* then the statement starts again after it */
    }
    ptr_record_reset(m->scratch);
    return s;
}

ptr_status ptr__sqlite_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                            const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    sqlstore *m = ptr__sqlite_txn_store(user, txn);
    if (!m || !f || !visit || (after && after->family != 4 && after->family != 6))
        return PTR_E_INVAL;
    scan_ctx c = {m, f, f->region.s, f->region.len, visit, visit_ctx, 0, 0, wants_pending(f)};
    if (after) {
        ptr_status s = ptr__bytebuf_reserve(&m->key, PTR__SQLITE_ADDR_LEN);
        if (s != PTR_OK)
            return s;
        ptr__sqlite_addr_encode(after, m->key.p);
        c.key_len = PTR__SQLITE_ADDR_LEN;
    }
    return scan_region(&c);
}

static int count_visit(void *ctx, const ptr_record *rec)
{
    (void)rec;
    (*(uint64_t *)ctx)++;
    return 0;
}

/* A count by names or tags: the matches of a scan of the region, or of every region. */
static ptr_status count_by_scan(sqlstore *m, const ptr_store_filter *f, uint64_t *count)
{
    scan_ctx c = {m, f, f->region.s, f->region.len, count_visit, count, 0, 0, wants_pending(f)};
    if (f->region.len)
        return scan_region(&c);
    sqlite3_stmt *rs = m->stmt[PTR__S_REGIONS];
    if (sqlite3_stmt_busy(rs))
        return PTR_E_INVAL;
    /* The filter of each region's scan: ptr_store_filter_match compares the region too. */
    ptr_store_filter rf = *f;
    c.f = &rf;
    ptr_status s = PTR_OK;
    int rc;
    while (s == PTR_OK && (rc = sqlite3_step(rs)) == SQLITE_ROW) {
        /* Valid until the next step: the region's scan ends before it. */
        c.region = (const char *)sqlite3_column_text(rs, 0);
        c.region_len = (size_t)sqlite3_column_bytes(rs, 0);
        rf.region = (ptr_text){c.region, c.region_len};
        c.key_len = 0;
        if (!c.region)
            s = PTR_E_NOMEM;
        else
            s = scan_region(&c);
    }
    if (s == PTR_OK && rc != SQLITE_DONE)
        s = ptr__sqlite_diag_rc(m, rc);
    ptr__sqlite_stmt_done(rs);
    return s;
}

/* The pending records that match f: ptr_record_pending's entries (rows hold inserts already). */
static ptr_status count_pending(sqlstore *m, const ptr_store_filter *f, uint64_t *count)
{
    sqlite3_stmt *st = m->stmt[f->region.len ? PTR__S_COUNT_PENDING : PTR__S_COUNT_PENDING_ALL];
    int rc = f->region.len ? ptr__sqlite_bind_text(st, 1, f->region.s, f->region.len) : SQLITE_OK;
    if (rc == SQLITE_OK)
        rc = bind_filter_text(st, 2, f->project);
    if (rc == SQLITE_OK)
        rc = bind_filter_text(st, 3, f->owner);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    ptr_status s = PTR_OK;
    if (rc == SQLITE_ROW)
        *count = (uint64_t)sqlite3_column_int64(st, 0);
    else
        s = ptr__sqlite_diag_rc(m, rc);
    ptr__sqlite_stmt_done(st);
    return s;
}

ptr_status ptr__sqlite_count(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                             uint64_t *count)
{
    sqlstore *m = ptr__sqlite_txn_store(user, txn);
    if (!m || !f || !count)
        return PTR_E_INVAL;
    uint64_t n = 0;
    ptr_status s = PTR_OK;
    const int mask = (f->region.len ? 1 : 0) | (f->project.len ? 2 : 0) | (f->owner.len ? 4 : 0);
    if (f->name.len || f->tag_count) {
        s = count_by_scan(m, f, &n);
    } else if (wants_pending(f)) {
        s = count_pending(m, f, &n);
    } else if (mask == 4) {
        s = ptr__sqlite_owner_count(m, f->owner.s, f->owner.len, &n);
    } else {
        sqlite3_stmt *st = m->stmt[PTR__S_COUNT0 + mask];
        int rc = SQLITE_OK;
        if (mask & 1)
            rc = ptr__sqlite_bind_text(st, 1, f->region.s, f->region.len);
        if (rc == SQLITE_OK && (mask & 2))
            rc = ptr__sqlite_bind_text(st, 2, f->project.s, f->project.len);
        if (rc == SQLITE_OK && (mask & 4))
            rc = ptr__sqlite_bind_text(st, 3, f->owner.s, f->owner.len);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        int64_t v = 0;
        if (rc == SQLITE_ROW || (rc == SQLITE_DONE && mask == 3)) /* no row: no records */
            v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        else
            s = ptr__sqlite_diag_rc(m, rc);
        ptr__sqlite_stmt_done(st);
        /* Without an owner, the transaction's inserts are not in ptr_scope_count yet. */
        if (s == PTR_OK && !(mask & 4))
            v += ptr__sqlite_scope_pending(m, f->region, f->project);
        if (s == PTR_OK && v < 0)
            s = ptr__sqlite_diag_fail(m, PTR_E_STORE, "a negative count in ptr_scope_count");
        n = (uint64_t)v;
    }
    if (s == PTR_OK)
        *count = n;
    return s;
}
