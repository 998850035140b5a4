/*
 * The schema of a libptr SQLite database, its history as migration steps,
 * and what open does before the store may use a connection: recognize the
 * database, switch it to WAL, migrate it.
 *
 * A libptr database carries PRAGMA application_id PTR__SQLITE_APPLICATION_ID
 * and its schema version in PRAGMA user_version. Anything else that is not
 * empty is somebody else's database and is refused without a single write.
 *
 * Nor is a libptr database trusted: whoever can write the file can add a
 * trigger that runs inside our transactions (moving a record to another
 * project, or around the quota), a view, an index, or change a table. Its
 * schema must be exactly the one the migration steps below make for its
 * version: schema_verify replays those steps in a private in-memory
 * database and compares sqlite_master (type, name, tbl_name, sql) object by
 * object. Replaying rather than keeping a copy of each version's schema
 * means the two cannot drift, and the text is SQLite's own (ALTER TABLE and
 * RENAME rewrite a table's sql), made the same way for the file and for
 * the reference.
 */
#include <stdio.h>
#include <string.h>

#include "sqlite_internal.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

/*
 * The migration steps: step i brings version i to version i + 1, and sets
 * user_version itself so that the version moves in the same transaction as
 * the tables. Steps are only ever appended; a released step never changes.
 */
static const char *const steps[PTR__SQLITE_SCHEMA_VERSION] = {
    /*
     * 0 -> 1: the records. The key (region, address) is the primary key of a
     * table without rowid, so the table itself is the unique index scans walk
     * in address order. The address is the 17-byte key of sqlite_row.h.
     */
    "CREATE TABLE ptr_record ("
    " region TEXT NOT NULL,"
    " address BLOB NOT NULL,"
    " project TEXT NOT NULL,"
    " owner TEXT NOT NULL,"
    " ttl INTEGER NOT NULL,"
    " description TEXT NOT NULL,"
    " names BLOB NOT NULL,"
    " tags BLOB NOT NULL,"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL,"
    " PRIMARY KEY (region, address)"
    ") WITHOUT ROWID;"
    "PRAGMA application_id = " STR(PTR__SQLITE_APPLICATION_ID) ";"
                                                               "PRAGMA user_version = 1;",

    /*
     * 1 -> 2: the record revision (optimistic concurrency of updates; rows
     * from before it start at 1), and the owner index that makes the quota
     * count an index range instead of a table scan.
     */
    "ALTER TABLE ptr_record ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX ptr_record_owner ON ptr_record (owner);"
    "PRAGMA user_version = 2;",

    /*
     * 2 -> 3: the records move to a rowid table with a unique index on the
     * key, and the owner index gives way to a table of counts.
     *
     * A WITHOUT ROWID table keeps whole rows in its interior pages, and
     * SQLite's documentation (withoutrowid.html, "When To Use WITHOUT
     * ROWID") advises it only for rows below about a twentieth of a page. A
     * record with three names, a description and two tags is about 235
     * bytes, over 204 for 4 KiB pages: interior pages held 14 rows each,
     * five levels for 100,000 records, every lookup and insert comparing
     * whole rows at each level. A rowid table appends new rows at its end
     * and its interior pages hold integers; the index on (region, address)
     * keeps the uniqueness check and the scan order with 30-byte entries.
     *
     * ptr_record_owner was there for the quota's count, and every insert
     * paid for it. ptr_owner keeps the count itself: the store adds its own
     * inserts once per owner at commit (sqlite_store.c), the triggers below
     * count deletes and owner changes, whoever makes them. Every change is
     * an addition, so their order does not matter, and an owner without a
     * row has no records.
     */
    "CREATE TABLE ptr_record_v3 ("
    " region TEXT NOT NULL,"
    " address BLOB NOT NULL,"
    " project TEXT NOT NULL,"
    " owner TEXT NOT NULL,"
    " ttl INTEGER NOT NULL,"
    " description TEXT NOT NULL,"
    " names BLOB NOT NULL,"
    " tags BLOB NOT NULL,"
    " created INTEGER NOT NULL,"
    " updated INTEGER NOT NULL,"
    " revision INTEGER NOT NULL"
    ");"
    "INSERT INTO ptr_record_v3 (" PTR__SQLITE_COLUMNS_V4 ")"
    " SELECT " PTR__SQLITE_COLUMNS_V4 " FROM ptr_record ORDER BY region, address;"
    "DROP TABLE ptr_record;"
    "ALTER TABLE ptr_record_v3 RENAME TO ptr_record;"
    "CREATE UNIQUE INDEX ptr_record_key ON ptr_record (region, address);"
    "CREATE TABLE ptr_owner ("
    " owner TEXT PRIMARY KEY,"
    " records INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "INSERT INTO ptr_owner (owner, records) SELECT owner, count(*) FROM ptr_record GROUP BY owner;"
    "CREATE TRIGGER ptr_record_deleted AFTER DELETE ON ptr_record BEGIN"
    " INSERT INTO ptr_owner (owner, records) VALUES (old.owner, -1)"
    "  ON CONFLICT (owner) DO UPDATE SET records = records - 1;"
    " DELETE FROM ptr_owner WHERE owner = old.owner AND records = 0;"
    " END;"
    "CREATE TRIGGER ptr_record_moved AFTER UPDATE OF owner ON ptr_record"
    " WHEN new.owner IS NOT old.owner BEGIN"
    " INSERT INTO ptr_owner (owner, records) VALUES (old.owner, -1)"
    "  ON CONFLICT (owner) DO UPDATE SET records = records - 1;"
    " DELETE FROM ptr_owner WHERE owner = old.owner AND records = 0;"
    " INSERT INTO ptr_owner (owner, records) VALUES (new.owner, 1)"
    "  ON CONFLICT (owner) DO UPDATE SET records = records + 1;"
    " END;"
    "PRAGMA user_version = 3;",

    /*
     * 3 -> 4: per-owner limits kept in the database (store version 3's
     * owner_limit_* slots), and the number of records of each region's
     * project, so that a list's total is one row (store version 3's count;
     * sqlite_scope.c keeps it as sqlite_store.c keeps ptr_owner: inserts at
     * commit, deletes and project changes by these triggers).
     */
    "CREATE TABLE ptr_owner_limit ("
    " owner TEXT PRIMARY KEY,"
    " records INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE ptr_scope_count ("
    " region TEXT NOT NULL,"
    " project TEXT NOT NULL,"
    " records INTEGER NOT NULL,"
    " PRIMARY KEY (region, project)"
    ") WITHOUT ROWID;"
    "INSERT INTO ptr_scope_count (region, project, records)"
    " SELECT region, project, count(*) FROM ptr_record GROUP BY region, project;"
    "CREATE TRIGGER ptr_record_deleted_scope AFTER DELETE ON ptr_record BEGIN"
    " INSERT INTO ptr_scope_count (region, project, records) VALUES (old.region, old.project, -1)"
    "  ON CONFLICT (region, project) DO UPDATE SET records = records - 1;"
    " DELETE FROM ptr_scope_count"
    "  WHERE region = old.region AND project = old.project AND records = 0;"
    " END;"
    "CREATE TRIGGER ptr_record_moved_scope AFTER UPDATE OF project ON ptr_record"
    " WHEN new.project IS NOT old.project BEGIN"
    " INSERT INTO ptr_scope_count (region, project, records) VALUES (old.region, old.project, -1)"
    "  ON CONFLICT (region, project) DO UPDATE SET records = records - 1;"
    " DELETE FROM ptr_scope_count"
    "  WHERE region = old.region AND project = old.project AND records = 0;"
    " INSERT INTO ptr_scope_count (region, project, records) VALUES (new.region, new.project, 1)"
    "  ON CONFLICT (region, project) DO UPDATE SET records = records + 1;"
    " END;"
    "PRAGMA user_version = 4;",

    /*
     * 4 -> 5: each record's DNS status (sqlite_row.h), and the index of the
     * records a pusher sends: partial, so that it holds the pending ones
     * only, and a scan for them costs what is pending rather than the whole
     * table (its queries repeat its WHERE, as SQLite needs to use it). With
     * dns_status in it, finding the next pending key past a row SQLite
     * will not load reads the index alone (sqlite_scan.c). The
     * columns' defaults are what rows from before get, without rewriting a
     * row (SQLite reads a missing column as its default): ACTIVE, no action,
     * no error, and in DNS, since zone files may have served them.
     */
    "ALTER TABLE ptr_record ADD COLUMN dns_status INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ptr_record ADD COLUMN dns_action INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ptr_record ADD COLUMN dns_error TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE ptr_record ADD COLUMN in_dns INTEGER NOT NULL DEFAULT 1;"
    "CREATE INDEX ptr_record_pending ON ptr_record (region, address, dns_status)"
    " WHERE " PTR__SQLITE_PENDING ";"
    "PRAGMA user_version = 5;",
};

/* Prepare and run each statement of a constant script in turn. */
static int exec_script(sqlite3 *db, const char *script)
{
    const char *tail = script;
    while (*tail) {
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, tail, -1, &st, &tail);
        if (rc != SQLITE_OK)
            return rc;
        if (!st) /* only whitespace or a comment was left */
            break;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return rc;
    }
    return SQLITE_OK;
}

/* The first column of the first row of a constant query, as an integer or as text. */
static int query(sqlite3 *db, const char *sql, int64_t *num, char *text, size_t cap)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (num)
            *num = sqlite3_column_int64(st, 0);
        if (text) {
            const unsigned char *t = sqlite3_column_text(st, 0);
            snprintf(text, cap, "%s", t ? (const char *)t : "");
        }
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_ERROR; /* these queries always give a row */
    }
    sqlite3_finalize(st);
    return rc;
}

/* What a database is to this library. */
typedef struct identity {
    int64_t app_id, version, objects;
} identity;

static int read_identity(sqlite3 *db, identity *id)
{
    int rc = query(db, "PRAGMA application_id", &id->app_id, NULL, 0);
    if (rc == SQLITE_OK)
        rc = query(db, "PRAGMA user_version", &id->version, NULL, 0);
    if (rc == SQLITE_OK)
        rc = query(db, "SELECT count(*) FROM sqlite_master", &id->objects, NULL, 0);
    return rc;
}

/* The schema, one object a row, in one order for both sides of the comparison. */
#define SCHEMA_SQL "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"

/* A column as text: "" for NULL (an automatic index has no sql). */
static const char *col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_punct(char c)
{
    return c == '(' || c == ')' || c == ',' || c == ';' || c == '=' || c == '\0';
}

static int is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * sql in one spelling, into out (as long as sql at least): whitespace runs
 * as one space, none beside ( ) , ; = and none at either end, and "name"
 * as name when the name is a plain word. That is the freedom a schema's
 * text has between SQLite versions (RENAME quotes the new name) and between
 * hand-written copies; a string literal is kept as it is. Two texts that
 * normalize alike are the same tokens, so no object can hide a change.
 */
static void normalize(const char *sql, char *out)
{
    char *o = out;
    const char *p = sql;
    while (*p) {
        if (is_space(*p)) {
            while (is_space(*p))
                p++;
            if (o != out && !is_punct(o[-1]) && !is_punct(*p))
                *o++ = ' ';
        } else if (*p == '\'') { /* a string literal, '' inside it included */
            *o++ = *p++;
            while (*p && !(*p == '\'' && p[1] != '\'')) {
                if (*p == '\'')
                    *o++ = *p++;
                *o++ = *p++;
            }
            if (*p)
                *o++ = *p++;
        } else if (*p == '"') {
            const char *q = p + 1;
            while (is_word(*q))
                q++;
            if (*q == '"' && q > p + 1) { /* a plain word quoted: the word */
                memcpy(o, p + 1, (size_t)(q - p - 1));
                o += q - p - 1;
                p = q + 1;
            } else {
                *o++ = *p++;
            }
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

static int same_sql(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 1;
    const size_t la = strlen(a), lb = strlen(b);
    char *na = sqlite3_malloc64(la + 1), *nb = sqlite3_malloc64(lb + 1);
    int same = 0;
    if (na && nb) {
        normalize(a, na);
        normalize(b, nb);
        same = strcmp(na, nb) == 0;
    }
    sqlite3_free(na);
    sqlite3_free(nb);
    return same;
}

static int same_object(sqlite3_stmt *a, sqlite3_stmt *b)
{
    for (int i = 0; i < 4; i++)
        if (sqlite3_column_type(a, i) != sqlite3_column_type(b, i) ||
            (i < 3 ? strcmp(col(a, i), col(b, i)) != 0 : !same_sql(col(a, i), col(b, i))))
            return 0;
    return 1;
}

/* (type, name) of two objects in the order of SCHEMA_SQL (BINARY collation: bytes). */
static int key_order(sqlite3_stmt *a, sqlite3_stmt *b)
{
    const int t = strcmp(col(a, 0), col(b, 0));
    return t ? t : strcmp(col(a, 1), col(b, 1));
}

/* An object's name for a message: its type and name, cut short, non-printing bytes as '?'. */
static void object_name(sqlite3_stmt *st, char *out, size_t cap)
{
    snprintf(out, cap, "%s %.64s", col(st, 0), col(st, 1));
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
            *p = '?';
}

ptr_status ptr__sqlite_schema_verify(sqlite3 *db, int64_t version, char *msg, size_t cap)
{
    sqlite3 *ref = NULL;
    sqlite3_stmt *want = NULL, *have = NULL;
    char name[96];
    int rc =
        sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE | SQLITE_OPEN_PRIVATECACHE, NULL);
    for (int64_t v = 0; v < version && rc == SQLITE_OK; v++)
        rc = exec_script(ref, steps[v]);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(ref, SCHEMA_SQL, -1, &want, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, SCHEMA_SQL, -1, &have, NULL);
    ptr_status st = PTR_OK;
    if (rc != SQLITE_OK) {
        snprintf(msg, cap, "checking the schema: %s", sqlite3_errmsg(ref && !want ? ref : db));
        st = PTR_E_STORE;
    }
    while (st == PTR_OK) {
        const int w = sqlite3_step(want), h = sqlite3_step(have);
        if (w == SQLITE_DONE && h == SQLITE_DONE)
            break;
        if ((w != SQLITE_ROW && w != SQLITE_DONE) || (h != SQLITE_ROW && h != SQLITE_DONE)) {
            snprintf(msg, cap, "checking the schema: %s",
                     sqlite3_errmsg(w != SQLITE_ROW && w != SQLITE_DONE ? ref : db));
        } else if (h == SQLITE_ROW && w == SQLITE_ROW && same_object(want, have)) {
            continue;
        } else if (h == SQLITE_ROW && (w == SQLITE_DONE || key_order(have, want) < 0)) {
            /* In (type, name) order, an object before the next expected one: extra. */
            object_name(have, name, sizeof name);
            snprintf(msg, cap,
                     "the database has %s, which libptr's schema version %lld does not: "
                     "refusing a schema changed by someone else",
                     name, (long long)version);
        } else if (h == SQLITE_ROW && key_order(have, want) == 0) {
            object_name(have, name, sizeof name);
            snprintf(msg, cap,
                     "the database's %s differs from libptr's schema version %lld: "
                     "refusing a schema changed by someone else",
                     name, (long long)version);
        } else {
            object_name(want, name, sizeof name);
            snprintf(msg, cap,
                     "the database lacks %s of libptr's schema version %lld: "
                     "refusing a schema changed by someone else",
                     name, (long long)version);
        }
        st = PTR_E_STORE;
    }
    sqlite3_finalize(want);
    sqlite3_finalize(have);
    sqlite3_close(ref);
    return st;
}

/* PTR_OK when this library can use the database (perhaps after migrating); else why not. */
static ptr_status judge(const identity *id, ptr_error *err)
{
    char msg[PTR_ERROR_MESSAGE_SIZE];
    if (id->app_id == 0 && id->version == 0 && id->objects == 0)
        return PTR_OK; /* empty: a new database */
    if (id->app_id != PTR__SQLITE_APPLICATION_ID || id->version < 1) {
        snprintf(msg, sizeof msg, "not a libptr database (application_id %lld, user_version %lld)",
                 (long long)id->app_id, (long long)id->version);
        return ptr__sqlite_fail(err, PTR_E_STORE, msg, NULL);
    }
    if (id->version > PTR__SQLITE_SCHEMA_VERSION) {
        snprintf(msg, sizeof msg,
                 "the database has schema version %lld, newer than this library's %d: "
                 "upgrade libptr",
                 (long long)id->version, PTR__SQLITE_SCHEMA_VERSION);
        return ptr__sqlite_fail(err, PTR_E_STORE, msg, NULL);
    }
    return PTR_OK;
}

/* End the read transaction a failed step may have left open. */
static void end_txn(sqlite3 *db)
{
    if (!sqlite3_get_autocommit(db))
        (void)exec_script(db, "ROLLBACK");
}

/* The schema of a database judge() accepted, against its version's. */
static ptr_status verify(sqlite3 *db, const identity *id, ptr_error *err)
{
    char msg[PTR_ERROR_MESSAGE_SIZE];
    if (ptr__sqlite_schema_verify(db, id->version, msg, sizeof msg) != PTR_OK)
        return ptr__sqlite_fail(err, PTR_E_STORE, msg, NULL);
    return PTR_OK;
}

static ptr_status look(sqlite3 *db, identity *id, ptr_error *err)
{
    /* One read transaction, so that the values and the schema are of one moment. */
    int rc = exec_script(db, "BEGIN");
    if (rc == SQLITE_OK)
        rc = read_identity(db, id);
    if (rc != SQLITE_OK) {
        ptr_status st = ptr__sqlite_fail(err, ptr__sqlite_status(rc), "reading the database", db);
        end_txn(db);
        return st;
    }
    ptr_status st = judge(id, err);
    if (st == PTR_OK)
        st = verify(db, id, err);
    end_txn(db);
    return st;
}

/*
 * Switching a rollback-journal database to WAL needs its exclusive lock, and
 * SQLite answers SQLITE_BUSY at once, without the busy handler, when another
 * connection holds a shared lock (waiting there could deadlock). Several
 * processes opening a new database at the same moment meet exactly that, so
 * the switch waits here, up to the busy timeout, as the busy handler would.
 */
static ptr_status use_wal(sqlite3 *db, uint32_t busy_ms, ptr_error *err)
{
    char mode[16];
    uint32_t waited = 0;
    int rc;
    for (;;) {
        /* Reading the mode takes no lock; another opener may have switched it meanwhile. */
        rc = query(db, "PRAGMA journal_mode", NULL, mode, sizeof mode);
        if (rc != SQLITE_OK || strcmp(mode, "wal") == 0)
            break;
        rc = query(db, "PRAGMA journal_mode = WAL", NULL, mode, sizeof mode);
        if ((rc & 0xff) != SQLITE_BUSY || waited >= busy_ms)
            break;
        waited += (uint32_t)sqlite3_sleep(5);
    }
    if (rc != SQLITE_OK)
        return ptr__sqlite_fail(err, ptr__sqlite_status(rc), "switching to WAL", db);
    if (strcmp(mode, "wal") != 0)
        return ptr__sqlite_fail(err, PTR_E_STORE, "the database cannot use a WAL journal", NULL);
    return PTR_OK;
}

static ptr_status migrate(sqlite3 *db, ptr_error *err)
{
    /* The write lock first: two processes opening an old database migrate it once. */
    int rc = exec_script(db, "BEGIN IMMEDIATE");
    if (rc != SQLITE_OK)
        return ptr__sqlite_fail(err, ptr__sqlite_status(rc), "locking the database to migrate it",
                                db);
    identity id;
    ptr_status st;
    rc = read_identity(db, &id);
    if (rc != SQLITE_OK) {
        st = ptr__sqlite_fail(err, ptr__sqlite_status(rc), "reading the database", db);
    } else if ((st = judge(&id, err)) == PTR_OK && (st = verify(db, &id, err)) == PTR_OK) {
        /* Checked again under the write lock: the schema the steps run on is the one checked. */
        for (int64_t v = id.version; v < PTR__SQLITE_SCHEMA_VERSION && rc == SQLITE_OK; v++)
            rc = exec_script(db, steps[v]);
        if (rc == SQLITE_OK)
            rc = exec_script(db, "COMMIT");
        if (rc != SQLITE_OK)
            st = ptr__sqlite_fail(err, ptr__sqlite_status(rc), "migrating the schema", db);
    }
    /* Any failure rolls every step back: the schema changes all at once or not at all. */
    end_txn(db);
    return st;
}

ptr_status ptr__sqlite_schema_prepare(sqlite3 *db, int readonly, int is_memory, uint32_t busy_ms,
                                      int64_t *version, ptr_error *err)
{
    identity id;
    ptr_status st = look(db, &id, err);
    if (st != PTR_OK)
        return st;
    *version = PTR__SQLITE_SCHEMA_VERSION;
    if (readonly) {
        /*
         * Version 4 reads as version 5 without its DNS status (sqlite_store.c);
         * older ones lack tables the reads use, and an empty one has none.
         */
        if (id.version < PTR__SQLITE_READ_OLDEST) {
            char msg[PTR_ERROR_MESSAGE_SIZE];
            snprintf(msg, sizeof msg,
                     "schema version %lld needs migrating to %d: open it read-write once",
                     (long long)id.version, PTR__SQLITE_SCHEMA_VERSION);
            return ptr__sqlite_fail(err, PTR_E_STORE, msg, NULL);
        }
        *version = id.version;
        return PTR_OK;
    }
    /* WAL lets readers go on while one writer commits; an in-memory database has no journal file.
     */
    if (!is_memory && (st = use_wal(db, busy_ms, err)) != PTR_OK)
        return st;
    if (id.version == PTR__SQLITE_SCHEMA_VERSION)
        return PTR_OK;
    return migrate(db, err);
}
