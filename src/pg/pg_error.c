/*
 * PostgreSQL's errors as libptr statuses, and the server's message kept for
 * the caller. Only what the server says is retryable is busy: SQLSTATE 40001
 * (serialization_failure), 40P01 (deadlock_detected) and 55P03
 * (lock_not_available, our lock timeout); see PostgreSQL's documentation,
 * "Serialization Failure Handling" and Appendix A "Error Codes".
 */
#include <stdio.h>
#include <string.h>

#include "pg_internal.h"

int ptr__pg_retryable(const PGresult *res)
{
    const char *code = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    return code &&
           (strcmp(code, "40001") == 0 || strcmp(code, "40P01") == 0 || strcmp(code, "55P03") == 0);
}

ptr_status ptr__pg_status_of(const PGresult *res)
{
    if (!res)
        return PTR_E_STORE; /* libpq gives no result when it is out of memory or lost the server */
    switch (PQresultStatus(res)) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK:
    case PGRES_PIPELINE_SYNC: return PTR_OK;
    default: break;
    }
    const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    if (ptr__pg_retryable(res))
        return PTR_E_BUSY;
    if (code && strcmp(code, "53200") == 0) /* out_of_memory, the server's */
        return PTR_E_NOMEM;
    return PTR_E_STORE;
}

/* Keep one line: libpq's messages end with a newline and may hold several lines. */
static void one_line(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = p[1] ? ' ' : '\0';
}

void ptr__pg_message(char *buf, size_t cap, const char *what, const PGconn *conn,
                     const PGresult *res)
{
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!m || !*m)
        m = res ? PQresultErrorMessage(res) : NULL;
    if ((!m || !*m) && conn)
        m = PQerrorMessage(conn);
    if (!m || !*m)
        m = "no message from the server";
    if (snprintf(buf, cap, "%s: %s", what, m) < 0)
        buf[0] = '\0';
    one_line(buf);
}

ptr_status ptr__pg_fail(ptr_error *err, ptr_status st, const char *msg)
{
    if (!err)
        return st;
    ptr_error_clear(err);
    err->status = st;
    err->field = PTR_FIELD_NONE;
    if (snprintf(err->message, sizeof err->message, "%s", msg) < 0)
        err->message[0] = '\0';
    return st;
}
