/*
 * The conformance suite against the fault-injecting wrapper (disarmed: a
 * wrapper must not weaken the store), then the service over the memory store
 * with a failure injected at every store call of every operation in turn
 * (store_conformance.h, service_faults_run); each both without the
 * insert_checked slot (the service's get, count_owner, insert) and with it.
 */
#include "fault_store.h"
#include "ptr_test.h"
#include "store_conformance.h"

static ptr_store *make_memory(void *arg)
{
    (void)arg;
    ptr_store *s;
    return ptr_memstore_new(NULL, &s) == PTR_OK ? s : NULL;
}

static ptr_store *make_faulty(void *arg)
{
    return fault_store_wrap(make_memory(arg), NULL);
}

static ptr_store *make_faulty_checked(void *arg)
{
    return fault_store_wrap_ex(make_memory(arg), 1, NULL);
}

int main(void)
{
    int failed = store_conformance_run("fault store conformance", make_faulty, NULL);
    failed += store_conformance_run("fault store conformance, insert_checked slot",
                                    make_faulty_checked, NULL);
    failed += service_faults_run("faults", make_memory, NULL);
    failed += service_faults_run_checked("faults, insert_checked slot", make_memory, NULL);
    return failed ? 1 : 0;
}
