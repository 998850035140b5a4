#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_test_util.h"

const char *pg_test_conninfo(void)
{
    const char *c = getenv("PTR_PG_TEST_CONNINFO");
    if (!c || !*c) {
        fprintf(stderr,
                "skipped: PTR_PG_TEST_CONNINFO is not set (run under tests/pg/with_cluster.sh)\n");
        exit(77);
    }
    return c;
}

PGconn *pg_test_connect(void)
{
    PGconn *c = PQconnectdb(pg_test_conninfo());
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect to the test cluster: %s", PQerrorMessage(c));
        exit(1);
    }
    PQclear(PQexec(c, "SET client_min_messages = warning"));
    return c;
}

int pg_test_exec(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    const ExecStatusType s = PQresultStatus(r);
    const int ok = s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "SQL failed: %s: %s", sql, PQresultErrorMessage(r));
    PQclear(r);
    return ok ? 0 : -1;
}

void pg_test_drop_schema(const char *schema)
{
    PGconn *c = pg_test_connect();
    char sql[160];
    snprintf(sql, sizeof sql, "DROP SCHEMA IF EXISTS \"%s\" CASCADE", schema);
    pg_test_exec(c, sql);
    PQfinish(c);
}

ptr_store *pg_test_store(const char *schema)
{
    pg_test_drop_schema(schema);
    ptr_pg_options o;
    ptr_pg_options_init(&o);
    o.schema = schema;
    ptr_store *s = NULL;
    ptr_error e;
    const char *ci = pg_test_conninfo();
    if (ptr_pg_store_open_ex(ci, strlen(ci), &o, &s, &e) != PTR_OK) {
        fprintf(stderr, "open: %s: %s\n", ptr_status_name(e.status), e.message);
        return NULL;
    }
    return s;
}
