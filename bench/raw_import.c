/*
 * The raw-SQLite side of bench/import_all_or_nothing.sh: the rows that
 * `ptrctl import --all-or-nothing` stored, inserted again by plain SQLite in
 * one transaction, into a fresh database file with the same schema.
 *
 *   ptr_bench_raw_import TARGET.db SOURCE.db
 *
 * TARGET.db is an empty ptrctl database (same schema, WAL, same default
 * synchronous level); SOURCE.db is the database the import filled. Each row
 * of SOURCE's ptr_record is read by one SELECT (a table scan, streamed: as
 * cheap as reading the CSV line) and bound, column by column, to one
 * prepared INSERT of the same 15 columns, so both sides write byte-identical
 * rows through the same unique and scope indexes; the owner's count in
 * ptr_owner is then added once per owner, as the store does at commit.
 * BEGIN IMMEDIATE ... COMMIT around all of it: one transaction.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#define COLUMNS                                                                                    \
    "region, address, project, owner, ttl, description, names, tags, created, updated, revision,"  \
    " dns_status, dns_action, dns_error, in_dns"
#define NCOL 15

static int fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "raw_import: %s: %s\n", what, sqlite3_errmsg(db));
    sqlite3_close(db);
    return 1;
}

static int add_owner(sqlite3_stmt *up, const char *owner, sqlite3_int64 n)
{
    sqlite3_bind_text(up, 1, owner, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(up, 2, n);
    const int rc = sqlite3_step(up);
    sqlite3_reset(up);
    return rc == SQLITE_DONE ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s TARGET.db SOURCE.db\n", argv[0]);
        return 2;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        return fail(db, "open");
    sqlite3_stmt *attach = NULL, *sel = NULL, *ins = NULL, *up = NULL;
    if (sqlite3_prepare_v2(db, "ATTACH DATABASE ?1 AS src", -1, &attach, NULL) != SQLITE_OK)
        return fail(db, "attach");
    sqlite3_bind_text(attach, 1, argv[2], -1, SQLITE_STATIC);
    if (sqlite3_step(attach) != SQLITE_DONE)
        return fail(db, "attach");
    sqlite3_finalize(attach);
    if (sqlite3_prepare_v2(db, "SELECT " COLUMNS " FROM src.ptr_record ORDER BY rowid", -1, &sel,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO main.ptr_record (" COLUMNS
                           ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
                           " ?14, ?15)",
                           -1, &ins, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO main.ptr_owner (owner, records) VALUES (?1, ?2) "
                           "ON CONFLICT (owner) DO UPDATE SET records = records + ?2",
                           -1, &up, NULL) != SQLITE_OK)
        return fail(db, "prepare");
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "begin");
    char owner[128] = "";
    sqlite3_int64 run = 0, rows = 0;
    int rc;
    while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
        for (int k = 0; k < NCOL; k++)
            sqlite3_bind_value(ins, k + 1, sqlite3_column_value(sel, k));
        if (sqlite3_step(ins) != SQLITE_DONE)
            return fail(db, "insert");
        sqlite3_reset(ins);
        const char *o = (const char *)sqlite3_column_text(sel, 3);
        if (run > 0 && strcmp(o, owner) != 0) {
            if (add_owner(up, owner, run) != 0)
                return fail(db, "owner count");
            run = 0;
        }
        snprintf(owner, sizeof owner, "%s", o);
        run++;
        rows++;
    }
    if (rc != SQLITE_DONE)
        return fail(db, "select");
    if (run > 0 && add_owner(up, owner, run) != 0)
        return fail(db, "owner count");
    sqlite3_finalize(sel);
    sqlite3_finalize(ins);
    sqlite3_finalize(up);
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return fail(db, "commit");
    sqlite3_close(db);
    printf("%lld\n", (long long)rows);
    return 0;
}
