/*
 * Repeated GETs of one record (a client polling until its record is ACTIVE,
 * say) answered from the serving thread's copy of the last answer, without a
 * read transaction, while the database is unchanged.
 *
 * "Unchanged" is ptr_sqlite_store_stamp(): SQLite's WAL-index header, which
 * every commit of any connection of any process rewrites, read without a
 * lock. An answer is kept with the stamp taken before the read that made it
 * and used while a new stamp is equal, so an answer is never older than
 * what a read transaction begun at the same moment would see. Its key is
 * what else the answer depends on: the configuration snapshot (tokens, EIPs;
 * a SIGHUP makes a new one), the caller's token, the EIP, the route's shape
 * (v2 or v2.1) and the links' base URL.
 *
 * Each thread has its own table (thread-specific data, freed when the
 * thread ends), direct-mapped: no lock, nothing shared between threads. Only
 * a store with a stamp (SQLite) is cached; --show-cache 0 turns it off.
 */
#include "ptrd.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    ptrd_show_key key;
    char base[300]; /* key.base points here */
    ptr_sqlite_stamp stamp;
    unsigned http;
    char *text;
    size_t len;
} entry;

static size_t nentries; /* a power of two; 0: off */
static pthread_key_t table_key;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_free(void *p)
{
    entry *t = p;
    for (size_t i = 0; i < nentries; i++)
        free(t[i].text);
    free(t);
}

static void make_key(void)
{
    (void)pthread_key_create(&table_key, table_free);
}

void ptrd_show_cache_init(unsigned entries)
{
    size_t n = 0;
    if (entries) {
        n = 1;
        while (n < entries)
            n <<= 1;
    }
    nentries = n;
    pthread_once(&table_once, make_key);
}

int ptrd_show_cache_on(void)
{
    return nentries != 0;
}

/* This thread's table (made on the first keep when make is set); NULL when off. */
static entry *table(int make)
{
    if (!nentries)
        return NULL;
    entry *t = pthread_getspecific(table_key);
    if (!t && make) {
        t = calloc(nentries, sizeof *t);
        if (t && pthread_setspecific(table_key, t) != 0) {
            free(t);
            t = NULL;
        }
    }
    return t;
}

static entry *slot_of(entry *t, const ptrd_show_key *k)
{
    uintptr_t h = (uintptr_t)k->eip * 31u + (uintptr_t)k->tok * 7u + (uintptr_t)k->v21;
    h ^= h >> 17;
    return &t[h & (nentries - 1)];
}

static int same_key(const ptrd_show_key *a, const ptrd_show_key *b)
{
    return a->generation == b->generation && a->tok == b->tok && a->eip == b->eip &&
           a->v21 == b->v21 && strcmp(a->base, b->base) == 0;
}

int ptrd_show_cache_find(const ptrd_show_key *k, const ptr_sqlite_stamp *now, ptrd_reply *rep)
{
    entry *t = table(0);
    if (!t)
        return 0;
    const entry *e = slot_of(t, k);
    if (!e->text || !same_key(&e->key, k) || memcmp(&e->stamp, now, sizeof *now) != 0)
        return 0;
    char *copy = malloc(e->len);
    if (!copy)
        return 0;
    memcpy(copy, e->text, e->len);
    rep->http = e->http;
    rep->text = copy;
    rep->text_len = e->len;
    return 1;
}

void ptrd_show_cache_keep(const ptrd_show_key *k, const ptr_sqlite_stamp *before, unsigned http,
                          const char *text, size_t len)
{
    entry *t = table(1);
    if (!t || strlen(k->base) >= sizeof t->base)
        return;
    entry *e = slot_of(t, k);
    char *copy = realloc(e->text, len ? len : 1);
    if (!copy)
        return;
    memcpy(copy, text, len);
    e->text = copy;
    e->len = len;
    e->http = http;
    e->stamp = *before;
    e->key = *k;
    strcpy(e->base, k->base);
    e->key.base = e->base;
}
