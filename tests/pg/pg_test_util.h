/*
 * The PostgreSQL tests' access to the throw-away cluster that
 * tests/pg/with_cluster.sh starts: its connection string, a raw libpq
 * connection for what the store must not be asked to do (dropping schemas,
 * adding triggers, killing backends), and stores on fresh schemas.
 */
#ifndef PTR_PG_TEST_UTIL_H
#define PTR_PG_TEST_UTIL_H

#include <libpq-fe.h>

#include "libptr/libptr.h"
#include "libptr/pg.h"

/* PTR_PG_TEST_CONNINFO; when unset, the program prints why and exits 77 (skipped). */
const char *pg_test_conninfo(void);

/* A raw connection to the cluster (aborts the test program when it cannot connect). */
PGconn *pg_test_connect(void);

/* Run SQL on a raw connection; 0 when it succeeded. */
int pg_test_exec(PGconn *c, const char *sql);

/* Drop a schema and everything in it (no error when it does not exist). */
void pg_test_drop_schema(const char *schema);

/* A store over a fresh, empty schema of that name (dropped first); NULL on failure. */
ptr_store *pg_test_store(const char *schema);

#endif /* PTR_PG_TEST_UTIL_H */
