/*
 * An import: one write transaction held open across calls, so that a file of
 * any size is created all or nothing while the caller streams it in, one
 * request at a time, with one record's memory. Each request goes through the
 * two halves of a create (create.c), so an import cannot drift from it.
 */
#include <sched.h>
#include <string.h>

#include "service/service_internal.h"

struct ptr_import {
    ptr_ctx *ctx;
    ptr_store_txn *txn;
    ptr_record *rec; /* refilled for every request */
    uint64_t created;
    int broken; /* the store failed: only rollback is left */
};

ptr_status ptr_ctx_import_begin(ptr_ctx *c, ptr_import **out, ptr_error *err)
{
    if (!c || !out)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "context or output missing");
    const ptr_allocator *a = ptr__ctx_allocator(c);
    ptr_import *imp = a->malloc(a->ctx, sizeof *imp);
    if (!imp)
        return ptr__fail(err, PTR_E_NOMEM, PTR_FIELD_NONE, 0, 0, "out of memory");
    memset(imp, 0, sizeof *imp);
    imp->ctx = c;
    ptr_status st = ptr__record_make(c, &imp->rec, err);
    /* Only the begin can be retried: later, the caller's input is spent. */
    for (unsigned attempt = 0; st == PTR_OK; attempt++) {
        st = ptr_store_begin(ptr__ctx_store(c), PTR_TXN_WRITE, &imp->txn);
        if (st != PTR_E_BUSY || attempt >= 8)
            break;
        sched_yield();
    }
    if (st != PTR_OK) {
        ptr_record_free(imp->rec);
        a->free(a->ctx, imp);
        if (st == PTR_E_BUSY || st == PTR_E_STORE)
            return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0,
                             st == PTR_E_BUSY ? "the store stayed busy" : "the store failed");
        return st;
    }
    *out = imp;
    return PTR_OK;
}

ptr_status ptr_import_create(ptr_import *imp, const ptr_scope *scope, const ptr_request *req,
                             ptr_error *err)
{
    if (!imp || imp->broken)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0,
                         imp ? "the import failed before: roll it back" : "import missing");
    ptr_ctx *c = imp->ctx;
    ptr_status st = ptr__scope_check(scope, 1, err);
    ptr_addr addr;
    if (st == PTR_OK)
        st = ptr__create_prepare(c, scope, req, ptr__ctx_now(c), &addr, imp->rec, err);
    if (st != PTR_OK)
        return st;
    uint64_t limit;
    st = ptr__owner_limit(c, imp->txn, scope->owner, &limit);
    if (st == PTR_OK)
        st = ptr__create_insert(c, imp->txn, imp->rec, limit, err);
    if (st == PTR_OK)
        imp->created++;
    else if (st != PTR_E_EXISTS && st != PTR_E_QUOTA) {
        /* A store that failed mid-transaction may have lost it: nothing more can be trusted. */
        imp->broken = 1;
        if (st == PTR_E_STORE || st == PTR_E_BUSY || st == PTR_E_NOMEM)
            ptr__fail(err, st, PTR_FIELD_NONE, 0, 0,
                      st == PTR_E_NOMEM ? "out of memory" : "the store failed during the import");
    }
    return st;
}

uint64_t ptr_import_created(const ptr_import *imp)
{
    return imp ? imp->created : 0;
}

static void import_free(ptr_import *imp)
{
    const ptr_allocator *a = ptr__ctx_allocator(imp->ctx);
    ptr_record_free(imp->rec);
    a->free(a->ctx, imp);
}

ptr_status ptr_import_commit(ptr_import *imp, ptr_error *err)
{
    if (!imp)
        return ptr__fail(err, PTR_E_INVAL, PTR_FIELD_NONE, 0, 0, "import missing");
    if (imp->broken) {
        ptr_import_rollback(imp);
        return ptr__fail(err, PTR_E_STORE, PTR_FIELD_NONE, 0, 0,
                         "the import failed before: nothing of it was kept");
    }
    ptr_status st = ptr_store_commit(ptr__ctx_store(imp->ctx), imp->txn);
    import_free(imp);
    if (st != PTR_OK)
        return ptr__fail(err, st, PTR_FIELD_NONE, 0, 0, "the store failed to commit the import");
    return PTR_OK;
}

void ptr_import_rollback(ptr_import *imp)
{
    if (!imp)
        return;
    ptr_store_rollback(ptr__ctx_store(imp->ctx), imp->txn);
    import_free(imp);
}
