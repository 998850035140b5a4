/*
 * A store that wraps another and fails on demand: the Nth call of any slot
 * (rollback excepted: it cannot fail) returns a chosen status instead of
 * reaching the inner store. Used to prove that a failure at any point of any
 * operation leaves the store as it was, and to drive the PTR_E_BUSY retry.
 */
#ifndef PTR_FAULT_STORE_H
#define PTR_FAULT_STORE_H

#include "libptr/libptr.h"

typedef struct fault_state fault_state;

/*
 * Wrap inner; the new store owns inner and frees it. *state stays valid until the store is freed.
 * The wrapper has no insert_checked slot, so the service takes its get, count_owner, insert path.
 */
ptr_status fault_store_new(ptr_store *inner, fault_state **state, ptr_store **out);

/*
 * As fault_store_new, and when checked, with an insert_checked slot too
 * (one more call that can fail, forwarded to ptr_store_insert_checked of inner).
 */
ptr_status fault_store_new_ex(ptr_store *inner, int checked, fault_state **state, ptr_store **out);

/*
 * fault_store_new for store factories: the wrapper around inner, or NULL when
 * inner is NULL or the wrapper cannot be made (inner is then freed). state may
 * be NULL.
 */
ptr_store *fault_store_wrap(ptr_store *inner, fault_state **state);
ptr_store *fault_store_wrap_ex(ptr_store *inner, int checked, fault_state **state);

/*
 * Fail the nth call from now (1 = the next one) with status; when sticky,
 * that call and every later one fail. n = 0 disarms.
 */
void fault_arm(fault_state *f, long n, ptr_status status, int sticky);

/* Calls counted since the last fault_arm (or since creation). */
long fault_calls(const fault_state *f);

/* How many calls were made to fail since the last fault_arm. */
long fault_fired(const fault_state *f);

#endif /* PTR_FAULT_STORE_H */
