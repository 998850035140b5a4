/*
 * The conformance suite's tests of each record's DNS status
 * (store_conformance_dns.c): cmocka tests whose state is a fresh, empty
 * store, listed by store_conformance_run.
 */
#ifndef PTR_STORE_CONFORMANCE_DNS_H
#define PTR_STORE_CONFORMANCE_DNS_H

/* Every status, action, error and in_dns value through insert, replace, get and scan. */
void conformance_dns_round_trip(void **state);

/*
 * ptr_store_filter.dns_pending in scan and count, with every other filter,
 * after a marker, and in a filter of the size before the field (no filter).
 */
void conformance_dns_pending_filter(void **state);

/* A write transaction's own changes of status, seen by its pending scan and count. */
void conformance_dns_pending_in_txn(void **state);

#endif /* PTR_STORE_CONFORMANCE_DNS_H */
