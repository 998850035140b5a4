/*
 * The number of records of each region's project, kept in ptr_scope_count
 * (schema version 4) so that a list's total is one row, whatever the size
 * of the project: count(*) over an index walks every entry, and at 100k
 * records that cost more than SQLite's own count of a whole table, which
 * sums page headers.
 *
 * Kept as the owners' counts are (sqlite_store.c): a write transaction
 * counts its own inserts per (region, project) in memory, count adds them,
 * and they are written with one statement per scope just before COMMIT, in
 * the same transaction; the triggers ptr_record_deleted_scope and
 * ptr_record_moved_scope count deletes and project changes as they happen,
 * whoever makes them. The region of a record never changes (it is part of
 * the key).
 */
#include <string.h>

#include "sqlite_internal.h"

typedef ptr__sqlite_store sqlstore;

static const char *region_of(const sqlstore *m, const ptr__sqlite_scope *p)
{
    return p->region_len ? (const char *)m->scope_text.p + p->off : "";
}

static const char *project_of(const sqlstore *m, const ptr__sqlite_scope *p)
{
    return p->project_len ? (const char *)m->scope_text.p + p->off + p->region_len : "";
}

static int same(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

ptr_status ptr__sqlite_scope_write(sqlstore *m)
{
    /* Never outside the transaction: after SQLite rolled it back, this would commit alone. */
    if (sqlite3_get_autocommit(m->db))
        return ptr__sqlite_diag_fail(m, PTR_E_STORE, "the transaction was rolled back by SQLite");
    sqlite3_stmt *st = m->stmt[PTR__S_ADD_SCOPE];
    for (unsigned i = 0; i < m->nscopes; i++) {
        ptr__sqlite_scope *p = &m->scopes[i];
        if (p->inserted == 0)
            continue;
        int rc = ptr__sqlite_bind_text(st, 1, region_of(m, p), p->region_len);
        if (rc == SQLITE_OK)
            rc = ptr__sqlite_bind_text(st, 2, project_of(m, p), p->project_len);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_int64(st, 3, p->inserted);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(st);
        ptr__sqlite_stmt_done(st);
        if (rc != SQLITE_DONE)
            return ptr__sqlite_diag_rc(m, rc);
        p->inserted = 0; /* in ptr_scope_count now */
    }
    m->nscopes = 0;
    m->scope_used = 0;
    return PTR_OK;
}

ptr_status ptr__sqlite_scope_entry(sqlstore *m, const ptr_record *rec, ptr__sqlite_scope **out)
{
    size_t rlen, plen;
    const char *region = ptr_record_region(rec, &rlen), *project = ptr_record_project(rec, &plen);
    for (unsigned i = 0; i < m->nscopes; i++) {
        ptr__sqlite_scope *p = &m->scopes[i];
        if (same(region_of(m, p), p->region_len, region, rlen) &&
            same(project_of(m, p), p->project_len, project, plen)) {
            *out = p;
            return PTR_OK;
        }
    }
    ptr_status s;
    if (m->nscopes == PTR__SQLITE_PENDING_OWNERS && (s = ptr__sqlite_scope_write(m)) != PTR_OK)
        return s;
    if (rlen > SIZE_MAX - plen || rlen + plen > SIZE_MAX - m->scope_used)
        return PTR_E_NOMEM;
    if ((s = ptr__bytebuf_reserve(&m->scope_text, m->scope_used + rlen + plen)) != PTR_OK)
        return s;
    if (rlen)
        memcpy(m->scope_text.p + m->scope_used, region, rlen);
    if (plen)
        memcpy(m->scope_text.p + m->scope_used + rlen, project, plen);
    ptr__sqlite_scope *p = &m->scopes[m->nscopes++];
    *p = (ptr__sqlite_scope){m->scope_used, rlen, plen, 0};
    m->scope_used += rlen + plen;
    *out = p;
    return PTR_OK;
}

int64_t ptr__sqlite_scope_pending(const sqlstore *m, ptr_text region, ptr_text project)
{
    int64_t n = 0;
    for (unsigned i = 0; i < m->nscopes; i++) {
        const ptr__sqlite_scope *p = &m->scopes[i];
        if ((!region.len || same(region_of(m, p), p->region_len, region.s, region.len)) &&
            (!project.len || same(project_of(m, p), p->project_len, project.s, project.len)))
            n += p->inserted;
    }
    return n;
}
