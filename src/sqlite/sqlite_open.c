/*
 * Opening the SQLite store: the options, the file name SQLite is given, the
 * mode of a new file, the connection's defences, a read-only file, and the
 * store handle (ptr_sqlite_store_open). What each defence is for: sqlite.h
 * and docs/store.md, "A database file is not trusted".
 */
#define _POSIX_C_SOURCE 200809L /* O_NOFOLLOW, O_CLOEXEC, pthread_mutexattr_settype */
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "libptr/sqlite.h"
#include "sqlite_internal.h"

typedef ptr__sqlite_store sqlstore;

void ptr_sqlite_options_init(ptr_sqlite_options *o)
{
    if (!o)
        return;
    memset(o, 0, sizeof *o);
    o->struct_size = (uint32_t)sizeof *o;
    o->flags = PTR_SQLITE_CREATE;
    o->busy_timeout_ms = 5000;
}

uint32_t ptr_sqlite_schema_version(void)
{
    return PTR__SQLITE_SCHEMA_VERSION;
}

/* The options of 0.2, before policy: still accepted. */
#define OPTIONS_V1_SIZE offsetof(ptr_sqlite_options, policy)

static ptr_status check_args(const char *path, size_t path_len, const ptr_sqlite_options *o,
                             const void *out, ptr_error *err)
{
    if (!out || !path)
        return ptr__sqlite_fail(err, PTR_E_INVAL, "NULL path or out", NULL);
    if (path_len == 0 || memchr(path, '\0', path_len))
        return ptr__sqlite_fail(err, PTR_E_INVAL, "the path is empty or contains a NUL byte", NULL);
    if (o->struct_size < OPTIONS_V1_SIZE)
        return ptr__sqlite_fail(err, PTR_E_INVAL, "ptr_sqlite_options.struct_size too small", NULL);
    if (o->flags & ~(PTR_SQLITE_CREATE | PTR_SQLITE_READONLY | PTR_SQLITE_SKIP_CORRUPT))
        return ptr__sqlite_fail(err, PTR_E_INVAL, "unknown ptr_sqlite_options.flags", NULL);
    const ptr_allocator *a = o->allocator;
    if (a && (!a->malloc || !a->realloc || !a->free))
        return ptr__sqlite_fail(err, PTR_E_INVAL, "an allocator with a NULL function", NULL);
    if (!sqlite3_threadsafe())
        return ptr__sqlite_fail(err, PTR_E_STORE, "SQLite was built without thread safety", NULL);
    return PTR_OK;
}

/*
 * The name SQLite is given. SQLite reads a name starting with "file:" as a
 * URI (with ?mode=, ?vfs=, ...) when URIs are enabled for the process, as
 * Debian's build does (SQLITE_USE_URI) whatever SQLITE_OPEN_URI says: such a
 * name gets "./" in front, which makes it a plain relative path to the same
 * file. Every other name is already literal.
 */
static char *file_name(const ptr_allocator *a, const char *path, size_t len)
{
    const int uri_like = len >= 5 && memcmp(path, "file:", 5) == 0;
    const size_t pre = uri_like ? 2 : 0;
    char *name = a->malloc(a->ctx, pre + len + 1);
    if (!name)
        return NULL;
    memcpy(name, "./", pre);
    memcpy(name + pre, path, len);
    name[pre + len] = '\0';
    return name;
}

/*
 * Create the file, when it does not exist, with mode 0600: it holds every
 * tenant's records. SQLite would create it 0644 under the usual umask; it
 * gives the -wal and -shm files the database file's mode. O_EXCL: a file
 * that exists (or a symlink) is left as it is, and SQLite opens it.
 */
static void create_private(const char *name)
{
    int fd = open(name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
}

/* A name SQLite reads as a URI with immutable=1: every byte but the unreserved ones escaped. */
static char *immutable_uri(const ptr_allocator *a, const char *file)
{
    static const char hex[] = "0123456789ABCDEF";
    const size_t len = strlen(file);
    char *u = a->malloc(a->ctx, 5 + 3 * len + sizeof "?immutable=1");
    if (!u)
        return NULL;
    char *p = u;
    memcpy(p, "file:", 5);
    p += 5;
    for (size_t i = 0; i < len; i++) {
        const unsigned char c = (unsigned char)file[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '/' || c == '.' || c == '-' || c == '_') {
            *p++ = (char)c;
        } else {
            *p++ = '%';
            *p++ = hex[c >> 4];
            *p++ = hex[c & 15];
        }
    }
    memcpy(p, "?immutable=1", sizeof "?immutable=1");
    return u;
}

/* The connection's defences, before it reads anything of the file (sqlite.h). */
static int harden(sqlstore *m, uint32_t busy_ms)
{
    sqlite3 *db = m->db;
    int rc = sqlite3_extended_result_codes(db, 1);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
#ifdef SQLITE_DBCONFIG_ENABLE_VIEW
    if (rc == SQLITE_OK)
        rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
#endif
    /* No value longer than a record's longest column is ever loaded (sqlite_row.h). */
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, m->lim.value > INT_MAX ? INT_MAX : (int)m->lim.value);
    sqlite3_busy_timeout(db, busy_ms > INT_MAX ? INT_MAX : (int)busy_ms);
    return rc;
}

/*
 * A read of a WAL database needs its -shm file; a read-only handle cannot
 * create one where the directory is read-only and nobody has the database
 * open. SQLite then answers SQLITE_CANTOPEN or SQLITE_READONLY (with an
 * extended code such as SQLITE_READONLY_CANTINIT).
 */
static int cannot_read_wal(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return (rc & 0xff) == SQLITE_CANTOPEN || (rc & 0xff) == SQLITE_READONLY;
}

static ptr_status open_db(sqlstore *m, const char *name, int flags, const ptr_sqlite_options *o,
                          ptr_error *err)
{
    if (m->db) {
        sqlite3_close_v2(m->db);
        m->db = NULL;
    }
    int rc = sqlite3_open_v2(name, &m->db, flags, NULL);
    if (rc != SQLITE_OK)
        return ptr__sqlite_fail(err, rc == SQLITE_NOMEM ? PTR_E_NOMEM : PTR_E_STORE,
                                "cannot open the database", m->db);
    if (harden(m, o->busy_timeout_ms) != SQLITE_OK)
        return ptr__sqlite_fail(err, PTR_E_STORE, "cannot configure the connection", m->db);
    return PTR_OK;
}

/* Connect and make the schema current; m->db is set (maybe to a failed handle) in any case. */
static ptr_status db_connect(sqlstore *m, const char *path, size_t path_len,
                             const ptr_sqlite_options *o, ptr_error *err)
{
    char *name = file_name(&m->alloc, path, path_len);
    if (!name)
        return ptr__sqlite_fail(err, PTR_E_NOMEM, "out of memory", NULL);
    const int is_memory = strcmp(name, ":memory:") == 0;
    /*
     * No SQLITE_OPEN_URI (and file_name): the path is a file name, never
     * options. A private cache: the application enabling shared cache must
     * not turn our file locks into table locks.
     */
    int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
    if (m->readonly) {
        flags |= SQLITE_OPEN_READONLY;
    } else {
        flags |= SQLITE_OPEN_READWRITE;
        if (o->flags & PTR_SQLITE_CREATE) {
            flags |= SQLITE_OPEN_CREATE;
            if (!is_memory)
                create_private(name);
        }
    }
    ptr_status st = open_db(m, name, flags, o, err);
    m->alloc.free(m->alloc.ctx, name);
    if (st != PTR_OK)
        return st;
    /* A file we may not write (a read-only file or mount): SQLite opened it read-only. */
    if (sqlite3_db_readonly(m->db, "main") == 1)
        m->readonly = 1;
    const int immutable = m->readonly && !is_memory && cannot_read_wal(m->db);
    if (immutable) {
        /*
         * Nobody has the WAL database open (a writer would have made the
         * -shm file) and we cannot make the -shm file: read it as immutable.
         */
        char *uri = immutable_uri(&m->alloc, sqlite3_db_filename(m->db, "main"));
        if (!uri)
            return ptr__sqlite_fail(err, PTR_E_NOMEM, "out of memory", NULL);
        st = open_db(m, uri,
                     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
                         SQLITE_OPEN_PRIVATECACHE,
                     o, err);
        m->alloc.free(m->alloc.ctx, uri);
        if (st != PTR_OK)
            return st;
    }
    st = ptr__sqlite_schema_prepare(m->db, m->readonly, is_memory, o->busy_timeout_ms, &m->version,
                                    err);
    if (st != PTR_OK)
        return st;
    ptr__sqlite_stamp_probe(m, is_memory, immutable);
    return ptr__sqlite_prepare(m, err);
}

ptr_status ptr__sqlite_store_make(const char *path, size_t path_len, const ptr_sqlite_options *opts,
                                  ptr__sqlite_store **out, ptr_error *err)
{
    ptr_status st = check_args(path, path_len, opts, out, err);
    if (st != PTR_OK)
        return st;
    const ptr_allocator a = opts->allocator ? *opts->allocator : *ptr_allocator_libc();
    sqlstore *m = a.malloc(a.ctx, sizeof *m);
    if (!m)
        return ptr__sqlite_fail(err, PTR_E_NOMEM, "out of memory", NULL);
    memset(m, 0, sizeof *m);
    m->alloc = a;
    m->buf.alloc = &m->alloc;
    m->key.alloc = &m->alloc;
    m->owners.alloc = &m->alloc;
    m->scope_text.alloc = &m->alloc;
    m->readonly = (opts->flags & PTR_SQLITE_READONLY) != 0;
    m->skip_corrupt = (opts->flags & PTR_SQLITE_SKIP_CORRUPT) != 0;
    ptr__sqlite_limits_init(&m->lim, opts->struct_size >= sizeof *opts ? opts->policy : NULL);

    pthread_mutexattr_t attr;
    int merr = pthread_mutexattr_init(&attr);
    if (merr == 0) {
        merr = pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
        if (merr == 0)
            merr = pthread_mutex_init(&m->lock, &attr);
        pthread_mutexattr_destroy(&attr);
    }
    if (merr != 0) {
        a.free(a.ctx, m);
        return ptr__sqlite_fail(err, PTR_E_NOMEM, "cannot make a mutex", NULL);
    }
    st = ptr_record_new(&m->alloc, &m->scratch);
    if (st != PTR_OK)
        ptr__sqlite_fail(err, st, "out of memory", NULL);
    else
        st = db_connect(m, path, path_len, opts, err);
    if (st != PTR_OK) {
        ptr__sqlite_methods.destroy(m);
        return st;
    }
    *out = m;
    return PTR_OK;
}

ptr_status ptr_sqlite_store_open(const char *path, size_t path_len, const ptr_sqlite_options *opts,
                                 ptr_store **out, ptr_error *err)
{
    ptr_sqlite_options defaults;
    if (out)
        *out = NULL;
    if (!opts) {
        ptr_sqlite_options_init(&defaults);
        opts = &defaults;
    }
    sqlstore *m;
    ptr_status st = ptr__sqlite_store_make(path, path_len, opts, &m, err);
    if (st != PTR_OK)
        return st;
    st = ptr_store_new(&ptr__sqlite_methods, m, out);
    if (st != PTR_OK) {
        ptr__sqlite_fail(err, st, "cannot make the store handle", NULL);
        ptr__sqlite_methods.destroy(m);
        return st;
    }
    m->handle = *out;
    return PTR_OK;
}
