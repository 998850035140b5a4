/*
 * The store's schema: created on first use, migrated step by step, checked
 * on every open.
 *
 * Everything lives in one schema of the database (ptr_pg_options.schema), so
 * the store can share a database with an application's own tables. The
 * schema's version is the one row of ptr_meta. Steps are a table, step n
 * bringing version n to n + 1; released steps never change, new ones are
 * appended. Open runs every missing step in one transaction, under an
 * advisory lock on a hash of the schema's name, after reading the version
 * again under that lock: processes that open a new database at the same time
 * take turns, and the later ones find it done.
 *
 * The tables (version 1):
 *   ptr_record      one row per record; primary key (region, address), the
 *                   key that answers "exists" and the order scans walk; an
 *                   index on owner, which the quota's count reads
 *   ptr_owner_limit one row per owner with a limit of its own
 *   ptr_meta        the schema version
 * Version 2: each record's DNS status (pg_internal.h, PTR__PG_COLUMNS), and
 * ptr_record_pending, a partial index of the pending records on (region,
 * address), so that a pusher's scan and count of them cost what is pending.
 * Text is bytea (every byte round-trips and compares as bytes); see pg_row.c.
 *
 * A trigger, a rule or a row security policy on these tables could change
 * what a statement reads or writes behind the store's back (a rule turning
 * an INSERT into nothing would make a create look done), so open refuses a
 * schema that has any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_internal.h"

/* Step n brings version n to n + 1. Constant SQL, run as one simple query. */
static const char *const steps[PTR__PG_SCHEMA_VERSION] = {
    /* 0 -> 1 */
    "CREATE TABLE ptr_meta (id int PRIMARY KEY CHECK (id = 1), version int NOT NULL);"
    "INSERT INTO ptr_meta VALUES (1, 0);"
    "CREATE TABLE ptr_record ("
    " region bytea NOT NULL, address bytea NOT NULL, project bytea NOT NULL,"
    " owner bytea NOT NULL, ttl bigint NOT NULL, description bytea NOT NULL,"
    " names bytea NOT NULL, tags bytea NOT NULL, created bigint NOT NULL,"
    " updated bigint NOT NULL, revision bigint NOT NULL,"
    " CONSTRAINT ptr_record_key PRIMARY KEY (region, address));"
    "CREATE INDEX ptr_record_owner ON ptr_record (owner);"
    "CREATE TABLE ptr_owner_limit (owner bytea PRIMARY KEY, max_records bigint NOT NULL);",
    /*
     * 1 -> 2: the DNS status. The defaults are what rows from before get,
     * without a rewrite (a constant default is kept in the catalog): ACTIVE,
     * no action, no error, and in DNS, since zone files may have served them.
     */
    "ALTER TABLE ptr_record ADD COLUMN dns_status smallint NOT NULL DEFAULT 0,"
    " ADD COLUMN dns_action smallint NOT NULL DEFAULT 0,"
    " ADD COLUMN dns_error bytea NOT NULL DEFAULT '',"
    " ADD COLUMN in_dns smallint NOT NULL DEFAULT 1;"
    "CREATE INDEX ptr_record_pending ON ptr_record (region, address) WHERE " PTR__PG_PENDING ";",
};

/* Run a parameterized statement with text parameters and results; NULL result on failure. */
static PGresult *query(PGconn *conn, const char *sql, int n, const char *const *params,
                       ExecStatusType want, char *msg, size_t cap, const char *what)
{
    PGresult *r = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    if (r && PQresultStatus(r) == want)
        return r;
    ptr__pg_message(msg, cap, what, conn, r);
    PQclear(r);
    return NULL;
}

/* One integer of a one-row, one-column text result. */
static long long one_int(PGresult *r)
{
    return PQntuples(r) == 1 && !PQgetisnull(r, 0, 0) ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : -1;
}

/*
 * The schema's version: 0 when the schema or its tables do not exist yet, -1
 * when it holds tables but no ptr_meta (not ours, or damaged), -2 on error.
 */
static long long read_version(PGconn *conn, const char *schema, char *msg, size_t cap)
{
    const char *p[1] = {schema};
    PGresult *r = query(conn,
                        "SELECT (SELECT count(*) FROM pg_catalog.pg_class c"
                        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')),"
                        " (SELECT count(*) FROM pg_catalog.pg_class c"
                        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE n.nspname = $1 AND c.relname = 'ptr_meta')",
                        1, p, PGRES_TUPLES_OK, msg, cap, "reading the schema");
    if (!r)
        return -2;
    const long long tables = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    const long long meta = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
    PQclear(r);
    if (tables == 0)
        return 0;
    if (meta == 0) {
        snprintf(msg, cap, "schema '%s' holds tables but is not a libptr store", schema);
        return -1;
    }
    /* search_path names the schema: ptr_meta is ours. */
    r = query(conn, "SELECT version FROM ptr_meta WHERE id = 1", 0, NULL, PGRES_TUPLES_OK, msg, cap,
              "reading the schema version");
    if (!r)
        return -2;
    long long v = one_int(r);
    PQclear(r);
    if (v < 0) {
        snprintf(msg, cap, "schema '%s': ptr_meta has no version row", schema);
        return -1;
    }
    return v;
}

static ptr_status create_schema(PGconn *conn, const char *schema, char *msg, size_t cap)
{
    /* The name was checked, and the server quotes it (%I) all the same. */
    const char *p[1] = {schema};
    PGresult *r =
        query(conn, "SELECT pg_catalog.format('CREATE SCHEMA IF NOT EXISTS %I', $1::text)", 1, p,
              PGRES_TUPLES_OK, msg, cap, "creating the schema");
    if (!r)
        return PTR_E_STORE;
    PGresult *c = PQexec(conn, PQgetvalue(r, 0, 0));
    PQclear(r);
    ptr_status st = PTR_OK;
    if (PQresultStatus(c) != PGRES_COMMAND_OK) {
        ptr__pg_message(msg, cap, "creating the schema", conn, c);
        st = ptr__pg_status_of(c);
        if (st == PTR_OK)
            st = PTR_E_STORE;
    }
    PQclear(c);
    return st;
}

static ptr_status migrate(PGconn *conn, const char *schema, long long from, char *msg, size_t cap)
{
    ptr_status st = from == 0 ? create_schema(conn, schema, msg, cap) : PTR_OK;
    for (long long v = from; st == PTR_OK && v < PTR__PG_SCHEMA_VERSION; v++) {
        PGresult *r = PQexec(conn, steps[v]);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            ptr__pg_message(msg, cap, "migrating the schema", conn, r);
            st = PTR_E_STORE;
        }
        PQclear(r);
    }
    if (st != PTR_OK)
        return st;
    char version[16];
    snprintf(version, sizeof version, "%d", PTR__PG_SCHEMA_VERSION);
    const char *p[1] = {version};
    PGresult *r = query(conn, "UPDATE ptr_meta SET version = $1::int WHERE id = 1", 1, p,
                        PGRES_COMMAND_OK, msg, cap, "writing the schema version");
    PQclear(r);
    return r ? PTR_OK : PTR_E_STORE;
}

/* Triggers (our own constraint triggers are internal), rules and row security on our tables. */
static ptr_status check_tables(PGconn *conn, const char *schema, char *msg, size_t cap)
{
    const char *p[1] = {schema};
    PGresult *r = query(conn,
                        "SELECT (SELECT count(*) FROM pg_catalog.pg_trigger t"
                        " JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
                        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE n.nspname = $1 AND NOT t.tgisinternal)"
                        " + (SELECT count(*) FROM pg_catalog.pg_rewrite w"
                        " JOIN pg_catalog.pg_class c ON c.oid = w.ev_class"
                        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE n.nspname = $1 AND c.relkind IN ('r', 'p'))"
                        " + (SELECT count(*) FROM pg_catalog.pg_class c"
                        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        " WHERE n.nspname = $1 AND c.relrowsecurity)",
                        1, p, PGRES_TUPLES_OK, msg, cap, "checking the schema");
    if (!r)
        return PTR_E_STORE;
    const long long n = one_int(r);
    PQclear(r);
    if (n != 0) {
        snprintf(msg, cap,
                 "schema '%s': its tables have triggers, rules or row security policies that "
                 "libptr did not make; refusing to use them",
                 schema);
        return PTR_E_STORE;
    }
    return PTR_OK;
}

ptr_status ptr__pg_schema_prepare(PGconn *conn, const char *schema, int no_migrate, char *msg,
                                  size_t cap)
{
    /* The migration lock's key: apart from the store's record and owner keys (pg_txn.c). */
    uint64_t h = ptr__pg_hash(PTR__PG_HASH_INIT, "m:", 2);
    h = ptr__pg_hash(h, schema, strlen(schema) + 1);
    char key[24];
    snprintf(key, sizeof key, "%lld", (long long)ptr__pg_hash_key(h));
    const char *p[1] = {key};

    PGresult *r = PQexec(conn, "BEGIN ISOLATION LEVEL READ COMMITTED");
    ptr_status st = PQresultStatus(r) == PGRES_COMMAND_OK ? PTR_OK : PTR_E_STORE;
    if (st != PTR_OK)
        ptr__pg_message(msg, cap, "opening the schema", conn, r);
    PQclear(r);
    if (st != PTR_OK)
        return st;
    r = PQexecParams(conn, "SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)", 1, NULL, p, NULL,
                     NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        ptr__pg_message(msg, cap, "waiting for the schema lock", conn, r);
        st = ptr__pg_status_of(r);
        if (st == PTR_OK)
            st = PTR_E_STORE;
    }
    PQclear(r);
    long long v = -2;
    if (st == PTR_OK) {
        v = read_version(conn, schema, msg, cap);
        if (v < 0)
            st = PTR_E_STORE;
        else if (v > PTR__PG_SCHEMA_VERSION) {
            snprintf(msg, cap,
                     "schema '%s' is at version %lld, newer than this library's %d: upgrade libptr",
                     schema, v, PTR__PG_SCHEMA_VERSION);
            st = PTR_E_STORE;
        } else if (v < PTR__PG_SCHEMA_VERSION && no_migrate) {
            snprintf(msg, cap, "schema '%s' is at version %lld and needs migrating to %d", schema,
                     v, PTR__PG_SCHEMA_VERSION);
            st = PTR_E_STORE;
        } else if (v < PTR__PG_SCHEMA_VERSION) {
            st = migrate(conn, schema, v, msg, cap);
        }
    }
    if (st == PTR_OK)
        st = check_tables(conn, schema, msg, cap);
    r = PQexec(conn, st == PTR_OK ? "COMMIT" : "ROLLBACK");
    if (st == PTR_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
        ptr__pg_message(msg, cap, "committing the schema", conn, r);
        st = PTR_E_STORE;
    }
    PQclear(r);
    return st;
}
