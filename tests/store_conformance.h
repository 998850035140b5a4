/*
 * One conformance suite for every store: what the service relies on, checked
 * through the public slot calls only, so that it runs unchanged against the
 * memory store, the fault-injecting wrapper, or an embedder's own store.
 */
#ifndef PTR_STORE_CONFORMANCE_H
#define PTR_STORE_CONFORMANCE_H

#include "libptr/libptr.h"

/* Makes a fresh, empty store for one test; the suite frees it with ptr_store_free(). */
typedef ptr_store *(*conformance_make_fn)(void *arg);

/* Run the whole suite as a cmocka group named name; returns the number of failures. */
int store_conformance_run(const char *name, conformance_make_fn make, void *arg);

/*
 * The service over make's store behind the fault-injecting wrapper
 * (fault_store.h), as a cmocka group named name: a failure injected at each
 * store call of each operation in turn leaves the visible state as it was,
 * and PTR_E_BUSY is retried a bounded number of times. Returns the number of
 * failures.
 */
int service_faults_run(const char *name, conformance_make_fn make, void *arg);

/* As service_faults_run, with a wrapper that has the insert_checked slot. */
int service_faults_run_checked(const char *name, conformance_make_fn make, void *arg);

/*
 * Every record of the regions the tests use ("r1", "r2"), every field, in
 * scan order, plus the counts of owners "o1".."o3": two dumps are equal
 * exactly when the visible state is. Free with free().
 */
char *store_dump(ptr_store *s);

/* A record for tests: names is a NULL-terminated list; tags "k=v" strings likewise. */
ptr_record *test_record(const char *region, const char *project, const char *owner,
                        const char *addr, const char *const *names, const char *const *tags);

#endif /* PTR_STORE_CONFORMANCE_H */
