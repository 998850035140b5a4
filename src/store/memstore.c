/*
 * The built-in memory store.
 *
 * Layout, chosen for a million records and more:
 * - each record is one allocation (mhead): its fixed fields, the lengths
 *   of its pieces of text, then the text itself laid out as a ptr_record
 *   holds it (region, project, owner, description, names, tags, each piece
 *   followed by a NUL; see head_make), so that a get is one copy; region,
 *   project and owner are also interned and referred to by 32-bit ids, which
 *   keys, scans and quota counts use. The scope's text is kept in the record
 *   too because there are as many owners as tenants: reading it through the
 *   interned string would cost a get two more cache misses (the string's
 *   entry, then its text);
 * - records are numbered by slots (mrec, 16 bytes: the record's pointer and
 *   list links), which the ordered index, the pending list and the undo log
 *   refer to;
 * - an open-addressing table with linear probing maps (region, address) to
 *   the record: 16 bytes per entry, holding the record's pointer (so a lookup
 *   goes straight from the entry to the record: two cache misses at a million
 *   records, as in a bare hash map, not three through the slot array), its
 *   slot, and 32 bits of the hash so that a probe rarely touches a record it
 *   does not want;
 * - an owner's record count lives in its interned string, so count_owner is
 *   one string lookup;
 * - the address order for scans is a sorted array of slot numbers, kept up to
 *   date lazily: inserts go to a pending list and deletes only mark slots, and
 *   the first scan after a change sorts the pending list and merges. Creates
 *   thus stay hash-insert cheap, and paging costs a binary search.
 *
 * Transactions: one lock (lock.h) is held from begin to commit or rollback.
 * A get is kept short, in instructions as much as in memory: the CPU
 * overlaps one lookup's cache misses with the next only while both fit in
 * its window of a few hundred instructions, so each call a get makes, each
 * loop over pieces, costs more than its own work. Hence the inlined string
 * lookups, the lazy record (record.c) and the lock that releases with a
 * plain store. Writes
 * apply at once, with an undo log that rollback replays backwards. Every
 * allocation a write may need (table growth, undo entry, pending entry, the
 * record) is made before the first visible change, so a failure leaves
 * nothing behind; rollback itself never allocates.
 */
#include <stdlib.h>
#include <string.h>

#include "store/lock.h"
#include "record/record_internal.h"

/*
 * A record: fixed fields, then its lengths and text (see head_make). The key
 * comes first, so that a probe compares within the record's first bytes.
 */
typedef struct mhead {
    uint32_t region; /* interned string ids */
    ptr_addr addr;   /* handed to the record as it is: see decode */
    uint8_t nn, nt;  /* name and tag counts, unless wide */
    uint8_t wide;    /* lengths are 32-bit, counts in data: see head_make */
    uint32_t project, owner;
    uint32_t ttl;
    uint32_t text_len; /* bytes of text, NULs included */
    int64_t created, updated;
    uint64_t revision;
    uint8_t data[];
} mhead;

typedef struct mrec {
    mhead *h;           /* NULL when the slot holds no record */
    uint32_t next_free; /* when free: the next free slot + 1 */
    uint8_t indexed;    /* in the sorted order array (else pending, or free) */
} mrec;

/* A table entry; rec NULL when empty. */
typedef struct tentry {
    mhead *rec;
    uint32_t hash;
    uint32_t slot;
} tentry;

typedef struct istr {
    char *s;
    uint32_t len;
    uint32_t owner_count; /* records with this string as their owner */
    uint64_t hash;
    uint64_t w0, w1; /* its skey words (see skey_of) */
} istr;

/* An entry of the recent-strings caches (see recent_find). */
typedef struct recent_str {
    uint64_t w0, w1;
    uint32_t len;
    uint32_t id; /* string id + 1; 0 empty */
} recent_str;

typedef struct recent_cache {
    recent_str e[4];
    unsigned at; /* the entry to replace next */
} recent_cache;

/* Which recent cache a lookup uses: regions, being few, keep one of their own. */
enum { REGIONS = 0, TENANTS = 1 };

enum { UNDO_INSERTED = 1, UNDO_REMOVED, UNDO_REPLACED };

typedef struct undo {
    uint32_t kind;
    uint32_t idx;
    mhead *old; /* REMOVED, REPLACED: the record as it was */
} undo;

typedef struct memstore {
    ptr_allocator alloc;
    ptr__lock lock;
    int in_write;

    mrec *recs;
    size_t nrecs, recs_cap; /* nrecs: slots ever used */
    uint32_t free_head;     /* first free slot + 1, 0 when none */

    tentry *table;
    size_t table_cap, table_count;

    istr *strs;
    size_t nstrs, strs_cap;
    uint32_t *stab; /* string id + 1; 0 empty */
    size_t stab_cap;
    recent_cache recent[2]; /* the strings found last, regions apart: see recent_find */

    uint32_t *order; /* slots in (region, address) order */
    size_t norder, order_cap;
    uint32_t *pending; /* slots inserted since the last merge */
    size_t npending, pending_cap;
    size_t pending_promised; /* pending entries rollbacks of removes may add */
    int order_stale;         /* order holds removed slots */

    undo *undo;
    size_t nundo, undo_cap;

    ptr_record *scratch; /* what scan hands to its visitor */
} memstore;

/* The lookups every get makes, inlined into it: each call costs a get more than its work. */
#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* ---- hashing ------------------------------------------------------------ */

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/*
 * A string as two words and its length. Strings of up to 16 bytes (regions,
 * projects and owners, in practice) are held whole: two overlapping loads
 * cover the text, so comparing two of them is three integer compares, with
 * no call to memcmp, and hashing them is two mixes, with no loop over bytes.
 * A longer string's words are its first and last 8 bytes, which only filter.
 */
typedef struct skey {
    uint64_t w0, w1;
    size_t len;
    const char *s;
} skey;

#define SKEY_WHOLE 16u

static ALWAYS_INLINE skey skey_of(const char *s, size_t len)
{
    skey k = {0, 0, len, s};
    if (len >= 8) {
        memcpy(&k.w0, s, 8);
        memcpy(&k.w1, s + len - 8, 8);
    } else if (len >= 4) {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + len - 4, 4);
        k.w0 = a | (uint64_t)b << 32;
    } else {
        for (size_t i = 0; i < len; i++)
            k.w0 |= (uint64_t)(unsigned char)s[i] << (8 * i);
    }
    return k;
}

static uint64_t skey_hash(const skey *k)
{
    if (k->len <= SKEY_WHOLE)
        return mix64(k->w0 ^ mix64(k->w1 ^ k->len));
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a, then mixed */
    for (size_t i = 0; i < k->len; i++) {
        h ^= (unsigned char)k->s[i];
        h *= 0x100000001b3ULL;
    }
    return mix64(h);
}

/* Is string x the text of k? */
static int skey_is(const skey *k, const istr *x)
{
    return x->len == k->len && x->w0 == k->w0 && x->w1 == k->w1 &&
           (k->len <= SKEY_WHOLE || memcmp(x->s, k->s, k->len) == 0);
}

static ALWAYS_INLINE uint32_t key_hash(uint32_t region, const ptr_addr *a)
{
    uint64_t lo, hi;
    memcpy(&lo, a->bytes, 8);
    memcpy(&hi, a->bytes + 8, 8);
    /* Two multiplications and a final mix: the table keeps 32 bits of it to compare. */
    uint64_t h = lo * 0x9e3779b97f4a7c15ULL ^ (hi + ((uint64_t)region << 8 | a->family)) *
                                                  0xc2b2ae3d27d4eb4fULL;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return (uint32_t)h;
}

/* ---- interned strings ---------------------------------------------------- */

static long intern_find(const memstore *m, const skey *k, uint64_t h)
{
    if (!m->stab_cap)
        return -1;
    const size_t mask = m->stab_cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        const uint32_t e = m->stab[i];
        if (!e)
            return -1;
        const istr *x = &m->strs[e - 1];
        if (x->hash == h && skey_is(k, x))
            return (long)(e - 1);
    }
}

static void stab_put(uint32_t *tab, size_t cap, uint64_t h, uint32_t id)
{
    const size_t mask = cap - 1;
    size_t i = (size_t)h & mask;
    while (tab[i])
        i = (i + 1) & mask;
    tab[i] = id + 1;
}

/*
 * The strings found last, their words kept here so that a hit reads nothing
 * else. A create looks up its region, its owner and its project, a get its
 * region: a hit skips hashing the text and probing the string table.
 * Regions have a cache of their own, so that a stream of creates for new
 * owners does not push them out. Ids stay valid because strings are never
 * removed.
 */
static ALWAYS_INLINE long recent_find(const recent_cache *c, const memstore *m, const skey *k)
{
    for (size_t i = 0; i < sizeof c->e / sizeof c->e[0]; i++) {
        const recent_str *r = &c->e[i];
        if (r->w0 == k->w0 && r->w1 == k->w1 && r->len == k->len && r->id &&
            (k->len <= SKEY_WHOLE || memcmp(m->strs[r->id - 1].s, k->s, k->len) == 0))
            return (long)(r->id - 1);
    }
    return -1;
}

static void recent_put(recent_cache *c, const memstore *m, uint32_t id)
{
    const istr *x = &m->strs[id];
    c->e[c->at++ % (sizeof c->e / sizeof c->e[0])] = (recent_str){x->w0, x->w1, x->len, id + 1};
}

/* The id of a string, adding it if new. Added strings stay until the store is freed. */
static ptr_status intern(memstore *m, int which, const char *s, size_t len, uint32_t *id)
{
    recent_cache *c = &m->recent[which];
    if (len > UINT32_MAX - 1 || (!s && len))
        return PTR_E_INVAL;
    const skey k = skey_of(s, len);
    long found = recent_find(c, m, &k);
    if (found >= 0) {
        *id = (uint32_t)found;
        return PTR_OK;
    }
    const uint64_t h = skey_hash(&k);
    found = intern_find(m, &k, h);
    if (found >= 0) {
        *id = (uint32_t)found;
        recent_put(c, m, *id);
        return PTR_OK;
    }
    if (m->nstrs >= UINT32_MAX - 1)
        return PTR_E_NOMEM;
    if ((m->nstrs + 1) * 2 > m->stab_cap) {
        const size_t cap = m->stab_cap ? m->stab_cap * 2 : 64;
        uint32_t *t = m->alloc.malloc(m->alloc.ctx, cap * sizeof *t);
        if (!t)
            return PTR_E_NOMEM;
        memset(t, 0, cap * sizeof *t);
        for (size_t i = 0; i < m->nstrs; i++)
            stab_put(t, cap, m->strs[i].hash, (uint32_t)i);
        if (m->stab)
            m->alloc.free(m->alloc.ctx, m->stab);
        m->stab = t;
        m->stab_cap = cap;
    }
    istr *strs = ptr__grow(&m->alloc, m->strs, &m->strs_cap, m->nstrs + 1, sizeof *strs);
    if (!strs)
        return PTR_E_NOMEM;
    m->strs = strs;
    char *copy = m->alloc.malloc(m->alloc.ctx, len + 1);
    if (!copy)
        return PTR_E_NOMEM;
    if (len)
        memcpy(copy, s, len);
    copy[len] = '\0';
    const uint32_t nid = (uint32_t)m->nstrs++;
    m->strs[nid] = (istr){copy, (uint32_t)len, 0, h, k.w0, k.w1};
    stab_put(m->stab, m->stab_cap, h, nid);
    *id = nid;
    recent_put(c, m, nid);
    return PTR_OK;
}

/* The id of a string, or -1 when the store has never seen it. */
static ALWAYS_INLINE long intern_lookup(memstore *m, int which, const char *s, size_t len)
{
    recent_cache *c = &m->recent[which];
    const skey k = skey_of(s, len);
    long found = recent_find(c, m, &k);
    if (found < 0 && (found = intern_find(m, &k, skey_hash(&k))) >= 0)
        recent_put(c, m, (uint32_t)found);
    return found;
}

/* ---- the address table ---------------------------------------------------- */

static int key_eq(const mhead *r, uint32_t region, const ptr_addr *a)
{
    return r->region == region && r->addr.family == a->family &&
           memcmp(r->addr.bytes, a->bytes, sizeof a->bytes) == 0;
}

/*
 * Ask for the cache lines of bytes [from, to) of a record at once. Comparing
 * the key and then reading the lengths and text would otherwise wait for the
 * record's lines one after another, where a bare memcpy of the record waits
 * for all of them together. PREFETCH_FIRST covers a typical record whole, so
 * that on a hash match its lines are fetched with the first one; decode
 * asks for the rest of a longer one.
 */
#define PREFETCH_FIRST 320u

static void prefetch_range(const mhead *r, size_t from, size_t to)
{
#if defined(__GNUC__) || defined(__clang__)
    const char *p = (const char *)r;
    for (size_t off = from; off < to; off += 64)
        __builtin_prefetch(p + off);
    if (from < to)
        __builtin_prefetch(p + to - 1);
#else
    (void)r, (void)from, (void)to;
#endif
}

/* Position of the entry for the key, or -1. */
static ALWAYS_INLINE long table_find(const memstore *m, uint32_t region, const ptr_addr *a, uint32_t h)
{
    if (!m->table_cap)
        return -1;
    const size_t mask = m->table_cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        const tentry *e = &m->table[i];
        if (!e->rec)
            return -1;
        if (e->hash == h) {
            prefetch_range(e->rec, 0, PREFETCH_FIRST);
            if (key_eq(e->rec, region, a))
                return (long)i;
        }
    }
}

static void table_put(tentry *tab, size_t cap, uint32_t h, uint32_t slot, mhead *rec)
{
    const size_t mask = cap - 1;
    size_t i = h & mask;
    while (tab[i].rec)
        i = (i + 1) & mask;
    tab[i] = (tentry){rec, h, slot};
}

/* Linear-probing deletion by shifting later entries back, so no tombstones pile up. */
static void table_remove_at(memstore *m, size_t i)
{
    const size_t mask = m->table_cap - 1;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        const tentry e = m->table[j];
        if (!e.rec)
            break;
        const size_t home = e.hash & mask;
        /* Move e into the hole unless its home lies cyclically in (i, j]. */
        const int stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!stays) {
            m->table[i] = e;
            i = j;
        }
    }
    m->table[i] = (tentry){NULL, 0, 0};
    m->table_count--;
}

/* Room for one more entry at a load of at most 3/4. */
static ptr_status table_reserve(memstore *m)
{
    if ((m->table_count + 1) * 4 <= m->table_cap * 3)
        return PTR_OK;
    const size_t cap = m->table_cap ? m->table_cap * 2 : 1024;
    if (cap > SIZE_MAX / sizeof(tentry))
        return PTR_E_NOMEM;
    tentry *t = m->alloc.malloc(m->alloc.ctx, cap * sizeof *t);
    if (!t)
        return PTR_E_NOMEM;
    memset(t, 0, cap * sizeof *t);
    for (size_t i = 0; i < m->table_cap; i++)
        if (m->table[i].rec)
            table_put(t, cap, m->table[i].hash, m->table[i].slot, m->table[i].rec);
    if (m->table)
        m->alloc.free(m->alloc.ctx, m->table);
    m->table = t;
    m->table_cap = cap;
    return PTR_OK;
}

/* ---- record text: names, description, tags --------------------------------- */

/*
 * A record keeps its text packed, as a ptr_record made by a create holds it
 * (see ptr__record_packed): region, project, owner, description, the names,
 * then each tag's key and value, each piece followed by a NUL. Before the
 * text come the pieces' lengths, 16 bits each, so that a get is one copy of
 * the text into the caller's record and a short loop over the lengths.
 * Lengths are 16-bit because every record the service accepts has pieces
 * far below 64 KiB; a record put straight into the store with a longer
 * piece, or with more than 255 names or tags, is kept "wide": two 32-bit
 * counts, then 32-bit lengths.
 */

/* Piece k of rec in the packed order. */
static const char *piece(const ptr_record *rec, size_t k, size_t *len)
{
    switch (k) {
    case 0: return ptr_record_region(rec, len);
    case 1: return ptr_record_project(rec, len);
    case 2: return ptr_record_owner(rec, len);
    case 3: return ptr_record_description(rec, len);
    default: break;
    }
    k -= 4;
    const size_t nn = ptr_record_name_count(rec);
    if (k < nn)
        return ptr_record_name(rec, k, len);
    k -= nn;
    ptr_tag t;
    ptr_record_tag(rec, k / 2, &t);
    *len = k % 2 ? t.value_len : t.key_len;
    return k % 2 ? t.value : t.key;
}

/* Records with up to this many pieces of text are measured on the stack. */
#define FAST_PIECES 64

/*
 * A record's allocation with its fixed fields from rec and ids, room for
 * lens_size bytes of lengths and text_len of text; the counts are in the
 * header unless wide (then head_make writes them before the lengths).
 */
static mhead *head_alloc(memstore *m, const ptr_record *rec, const uint32_t ids[3],
                         size_t lens_size, size_t text_len, int wide)
{
    mhead *h = m->alloc.malloc(m->alloc.ctx, sizeof *h + lens_size + text_len);
    if (!h)
        return NULL;
    h->region = ids[0];
    h->addr = *ptr_record_address(rec);
    h->nn = wide ? 0 : (uint8_t)ptr_record_name_count(rec);
    h->nt = wide ? 0 : (uint8_t)ptr_record_tag_count(rec);
    h->wide = (uint8_t)wide;
    h->project = ids[1];
    h->owner = ids[2];
    h->ttl = ptr_record_ttl(rec);
    h->text_len = (uint32_t)text_len;
    h->created = ptr_record_created(rec);
    h->updated = ptr_record_updated(rec);
    h->revision = ptr_record_revision(rec);
    return h;
}

/* A record's allocation: its fixed fields from rec and ids, its lengths, its text. */
static ptr_status head_make(memstore *m, const ptr_record *rec, const uint32_t ids[3], mhead **out)
{
    const size_t nn = ptr_record_name_count(rec), nt = ptr_record_tag_count(rec);
    const size_t pieces = 4 + nn + 2 * nt;
    uint32_t lens[FAST_PIECES];
    size_t text_len = 0, len;
    const char *packed = pieces <= FAST_PIECES ? ptr__record_packed(rec, lens, &text_len) : NULL;
    if (packed && nn <= UINT8_MAX && nt <= UINT8_MAX) {
        /* The common case: the record's text copied whole, its lengths narrowed. */
        uint32_t longest = 0;
        for (size_t k = 0; k < pieces; k++)
            longest |= lens[k];
        if (longest <= UINT16_MAX) {
            mhead *h = head_alloc(m, rec, ids, pieces * sizeof(uint16_t), text_len, 0);
            if (!h)
                return PTR_E_NOMEM;
            uint16_t *l16 = (uint16_t *)h->data;
            for (size_t k = 0; k < pieces; k++)
                l16[k] = (uint16_t)lens[k];
            memcpy(l16 + pieces, packed, text_len);
            *out = h;
            return PTR_OK;
        }
    }
    /*
     * Any other record (its text not packed, more pieces than counted on the
     * stack, a piece over 64 KiB or more than 255 names or tags): gathered
     * piece by piece through the accessors.
     */
    int wide = nn > UINT8_MAX || nt > UINT8_MAX;
    text_len = 0;
    for (size_t k = 0; k < pieces; k++) {
        piece(rec, k, &len);
        if (len > UINT16_MAX)
            wide = 1;
        if (len > UINT32_MAX - 1 || text_len > UINT32_MAX - 1 - len)
            return PTR_E_INVAL;
        text_len += len + 1;
    }
    const size_t lens_size = wide ? (2 + pieces) * sizeof(uint32_t) : pieces * sizeof(uint16_t);
    if (lens_size > SIZE_MAX - sizeof(mhead) - text_len)
        return PTR_E_INVAL;
    mhead *h = head_alloc(m, rec, ids, lens_size, text_len, wide);
    if (!h)
        return PTR_E_NOMEM;
    uint16_t *l16 = (uint16_t *)h->data;
    uint32_t *l32 = (uint32_t *)h->data;
    if (wide) {
        l32[0] = (uint32_t)nn;
        l32[1] = (uint32_t)nt;
        l32 += 2;
    }
    char *t = (char *)h->data + lens_size;
    for (size_t k = 0; k < pieces; k++) {
        const char *src = piece(rec, k, &len);
        if (wide)
            l32[k] = (uint32_t)len;
        else
            l16[k] = (uint16_t)len;
        if (len)
            memcpy(t, src, len);
        t[len] = '\0';
        t += len + 1;
    }
    *out = h;
    return PTR_OK;
}

/* decode for a wide record: one append per piece. */
static ptr_status decode_wide(const mhead *r, ptr_record *out)
{
    const uint32_t *l = (const uint32_t *)r->data;
    const size_t nn = l[0], nt = l[1], pieces = 4 + nn + 2 * nt;
    l += 2;
    const char *p = (const char *)(l + pieces), *t[4];
    for (size_t k = 0; k < 4; k++) {
        t[k] = p;
        p += l[k] + 1;
    }
    ptr_status st = ptr__record_prepare(out, r->text_len - pieces, nn, nt);
    if (st != PTR_OK)
        return st;
    ptr__record_put_scope(out, t[0], l[0], t[1], l[1], t[2], l[2]);
    ptr__record_put_description(out, t[3], l[3]);
    l += 4;
    for (size_t i = 0; i < nn; i++) {
        ptr__record_put_name(out, p, l[i]);
        p += l[i] + 1;
    }
    l += nn;
    for (size_t i = 0; i < nt; i++, l += 2) {
        ptr__record_put_tag(out, p, l[0], p + l[0] + 1, l[1]);
        p += l[0] + 1 + l[1] + 1;
    }
    return PTR_OK;
}

/* Bytes of a record's allocation. */
static size_t head_size(const mhead *r)
{
    const size_t lens =
        r->wide ? (2 + 4 + (size_t)((const uint32_t *)r->data)[0] +
                   2 * (size_t)((const uint32_t *)r->data)[1]) * sizeof(uint32_t)
                : (4 + (size_t)r->nn + 2 * (size_t)r->nt) * sizeof(uint16_t);
    return sizeof *r + lens + r->text_len;
}

/* Fill a record from a stored one; on failure the record is left reset. */
static ALWAYS_INLINE ptr_status decode(const mhead *r, ptr_record *out)
{
    ptr_status st;
    if (!r->wide) {
        const uint16_t *lens = (const uint16_t *)r->data;
        const size_t pieces = 4 + (size_t)r->nn + 2 * (size_t)r->nt;
        st = ptr__record_load_packed(out, (const char *)(lens + pieces), r->text_len, lens, r->nn,
                                     r->nt);
    } else {
        st = decode_wide(r, out);
    }
    if (st != PTR_OK) {
        ptr_record_reset(out);
        return st;
    }
    /*
     * The address straight from the record, not rebuilt in a local: a local
     * written byte by byte and read back whole defeats store forwarding,
     * which made every get wait here until its cache misses had retired.
     */
    ptr__record_put_fields(out, &r->addr, r->ttl, r->revision, r->created, r->updated);
    return PTR_OK;
}

/* ---- transactions ---------------------------------------------------------- */

static ptr_status order_refresh(memstore *m);

static memstore *txn_store(void *user, ptr_store_txn *txn)
{
    /* The handle is the store itself: with one lock there is one txn at a time. */
    return (ptr_store_txn *)user == txn ? user : NULL;
}

static ptr_status ms_begin(void *user, unsigned flags, ptr_store_txn **txn)
{
    memstore *m = user;
    ptr__lock_take(&m->lock);
    m->in_write = (flags & PTR_TXN_WRITE) != 0;
    *txn = (ptr_store_txn *)m;
    return PTR_OK;
}

static void release_slot(memstore *m, uint32_t idx)
{
    m->recs[idx].h = NULL;
    m->recs[idx].indexed = 0;
    m->recs[idx].next_free = m->free_head;
    m->free_head = idx + 1;
}

static ptr_status ms_commit(void *user, ptr_store_txn *txn)
{
    memstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    if (!m->in_write) { /* a read changed nothing */
        ptr__lock_give(&m->lock);
        return PTR_OK;
    }
    for (size_t i = 0; i < m->nundo; i++) {
        undo *u = &m->undo[i];
        if (u->kind == UNDO_REMOVED) {
            m->alloc.free(m->alloc.ctx, u->old);
            release_slot(m, u->idx);
        } else if (u->kind == UNDO_REPLACED) {
            m->alloc.free(m->alloc.ctx, u->old);
        }
    }
    m->nundo = 0;
    m->pending_promised = 0;
    m->in_write = 0;
    /*
     * Without scans the pending list would grow with every insert, deleted
     * ones included. Merging once it outgrows the live records keeps it
     * bounded at an amortized O(log n) per insert; if the merge cannot get
     * memory now, the next scan does it.
     */
    if (m->npending > 1024 && m->npending > m->table_count)
        (void)order_refresh(m);
    ptr__lock_give(&m->lock);
    return PTR_OK;
}

static void ms_rollback(void *user, ptr_store_txn *txn)
{
    memstore *m = txn_store(user, txn);
    if (!m)
        return;
    for (size_t i = m->nundo; i-- > 0;) {
        undo *u = &m->undo[i];
        mrec *r = &m->recs[u->idx];
        if (u->kind == UNDO_INSERTED) {
            const mhead *h = r->h;
            const ptr_addr a = h->addr;
            long pos = table_find(m, h->region, &a, key_hash(h->region, &a));
            table_remove_at(m, (size_t)pos);
            m->strs[h->owner].owner_count--;
            m->alloc.free(m->alloc.ctx, r->h);
            /* Its pending or order entry now names a free slot; the next merge drops it. */
            release_slot(m, u->idx);
            m->order_stale = 1;
        } else if (u->kind == UNDO_REMOVED) {
            mhead *h = u->old;
            r->h = h;
            const ptr_addr a = h->addr;
            /* Capacity was there before the remove and never shrinks. */
            table_put(m->table, m->table_cap, key_hash(h->region, &a), u->idx, h);
            m->table_count++;
            m->strs[h->owner].owner_count++;
            /* A scan may have merged the slot out of the order: re-add it (room was kept). */
            r->indexed = 0;
            m->pending[m->npending++] = u->idx;
        } else {
            mhead *h = u->old;
            const ptr_addr a = h->addr;
            /* The key never changes on replace, so the entry is where it was. */
            long pos = table_find(m, h->region, &a, key_hash(h->region, &a));
            m->table[pos].rec = h;
            m->strs[r->h->owner].owner_count--;
            m->strs[h->owner].owner_count++;
            m->alloc.free(m->alloc.ctx, r->h);
            r->h = h;
        }
    }
    m->nundo = 0;
    m->pending_promised = 0;
    m->in_write = 0;
    ptr__lock_give(&m->lock);
}

/* Room for one undo entry and for the pending entries this write and its rollback may add. */
static ptr_status reserve_write(memstore *m)
{
    undo *u = ptr__grow(&m->alloc, m->undo, &m->undo_cap, m->nundo + 1, sizeof *u);
    if (!u)
        return PTR_E_NOMEM;
    m->undo = u;
    uint32_t *p = ptr__grow(&m->alloc, m->pending, &m->pending_cap,
                            m->npending + m->pending_promised + 1, sizeof *p);
    if (!p)
        return PTR_E_NOMEM;
    m->pending = p;
    return PTR_OK;
}

/* Position of the entry for (region text, addr), or -1 (a region never seen has none). */
static ALWAYS_INLINE long key_find(memstore *m, const char *region, size_t region_len,
                                   const ptr_addr *addr)
{
    const long rid = intern_lookup(m, REGIONS, region, region_len);
    if (rid < 0)
        return -1;
    return table_find(m, (uint32_t)rid, addr, key_hash((uint32_t)rid, addr));
}

/* ---- reads ------------------------------------------------------------------ */

static ptr_status ms_get(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                         const ptr_addr *addr, ptr_record *out)
{
    memstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    const long pos = key_find(m, region, region_len, addr);
    if (pos < 0)
        return PTR_E_NOT_FOUND;
    const mhead *r = m->table[pos].rec;
    prefetch_range(r, PREFETCH_FIRST, head_size(r));
    return decode(r, out);
}

static ptr_status ms_count_owner(void *user, ptr_store_txn *txn, const char *owner,
                                 size_t owner_len, uint64_t *count)
{
    memstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    long id = intern_lookup(m, TENANTS, owner, owner_len);
    *count = id < 0 ? 0 : m->strs[id].owner_count;
    return PTR_OK;
}

/* ---- writes ----------------------------------------------------------------- */

static ptr_status check_rec(const memstore *m, const ptr_record *rec, size_t *rlen)
{
    if (!m->in_write)
        return PTR_E_INVAL;
    const ptr_addr *a = ptr_record_address(rec);
    ptr_record_region(rec, rlen);
    if ((a->family != 4 && a->family != 6) || *rlen == 0)
        return PTR_E_INVAL;
    return PTR_OK;
}

static ptr_status intern_scope(memstore *m, const ptr_record *rec, uint32_t ids[3])
{
    size_t len;
    const char *s = ptr_record_region(rec, &len);
    ptr_status st = intern(m, REGIONS, s, len, &ids[0]);
    if (st == PTR_OK) {
        s = ptr_record_project(rec, &len);
        st = intern(m, TENANTS, s, len, &ids[1]);
    }
    if (st == PTR_OK) {
        s = ptr_record_owner(rec, &len);
        st = intern(m, TENANTS, s, len, &ids[2]);
    }
    return st;
}

/*
 * The insert itself, once the key is known free: slot, table entry, owner
 * count, pending and undo entries. Every allocation comes before the first
 * change, so a failure changes nothing.
 */
static ptr_status insert_new(memstore *m, const ptr_record *rec, const uint32_t ids[3], uint32_t h)
{
    ptr_status st;
    if (!m->free_head) {
        if (m->nrecs >= UINT32_MAX - 1)
            return PTR_E_NOMEM;
        mrec *recs = ptr__grow(&m->alloc, m->recs, &m->recs_cap, m->nrecs + 1, sizeof *recs);
        if (!recs)
            return PTR_E_NOMEM;
        m->recs = recs;
    }
    if ((st = table_reserve(m)) != PTR_OK || (st = reserve_write(m)) != PTR_OK)
        return st;
    mhead *head;
    if ((st = head_make(m, rec, ids, &head)) != PTR_OK)
        return st;

    uint32_t idx;
    if (m->free_head) {
        idx = m->free_head - 1;
        m->free_head = m->recs[idx].next_free;
    } else {
        idx = (uint32_t)m->nrecs++;
    }
    mrec *r = &m->recs[idx];
    r->h = head;
    r->indexed = 0;
    table_put(m->table, m->table_cap, h, idx, head);
    m->table_count++;
    m->strs[ids[2]].owner_count++;
    m->pending[m->npending++] = idx;
    m->undo[m->nundo++] = (undo){UNDO_INSERTED, idx, NULL};
    return PTR_OK;
}

/*
 * insert, and a create's write step in one call (insert_checked): one probe
 * of the table for the key and one look at the owner's count, where get,
 * count_owner and insert would each look the strings up and insert would
 * probe again. insert is this with no limit.
 */
static ptr_status ms_insert_checked(void *user, ptr_store_txn *txn, const ptr_record *rec,
                                    uint64_t limit)
{
    memstore *m = txn_store(user, txn);
    size_t rlen;
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = check_rec(m, rec, &rlen);
    if (st != PTR_OK)
        return st;
    uint32_t ids[3];
    if ((st = intern_scope(m, rec, ids)) != PTR_OK)
        return st;
    const ptr_addr *a = ptr_record_address(rec);
    const uint32_t h = key_hash(ids[0], a);
    if (table_find(m, ids[0], a, h) >= 0)
        return PTR_E_EXISTS;
    if (m->strs[ids[2]].owner_count >= limit)
        return PTR_E_QUOTA;
    return insert_new(m, rec, ids, h);
}

static ptr_status ms_insert(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    return ms_insert_checked(user, txn, rec, UINT64_MAX);
}

static ptr_status ms_replace(void *user, ptr_store_txn *txn, const ptr_record *rec)
{
    memstore *m = txn_store(user, txn);
    size_t rlen;
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = check_rec(m, rec, &rlen);
    if (st != PTR_OK)
        return st;
    const char *region = ptr_record_region(rec, &rlen);
    const long pos = key_find(m, region, rlen, ptr_record_address(rec));
    if (pos < 0)
        return PTR_E_NOT_FOUND;
    uint32_t ids[3];
    if ((st = intern_scope(m, rec, ids)) != PTR_OK || (st = reserve_write(m)) != PTR_OK)
        return st;
    mhead *head;
    if ((st = head_make(m, rec, ids, &head)) != PTR_OK)
        return st;
    const uint32_t idx = m->table[pos].slot;
    mrec *r = &m->recs[idx];
    m->undo[m->nundo++] = (undo){UNDO_REPLACED, idx, r->h};
    m->strs[r->h->owner].owner_count--;
    m->strs[ids[2]].owner_count++;
    r->h = head;
    m->table[pos].rec = head;
    return PTR_OK;
}

static ptr_status ms_remove(void *user, ptr_store_txn *txn, const char *region, size_t region_len,
                            const ptr_addr *addr)
{
    memstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    if (!m->in_write)
        return PTR_E_INVAL;
    const long pos = key_find(m, region, region_len, addr);
    if (pos < 0)
        return PTR_E_NOT_FOUND;
    ptr_status st = reserve_write(m);
    if (st != PTR_OK)
        return st;
    const uint32_t idx = m->table[pos].slot;
    mrec *r = &m->recs[idx];
    m->undo[m->nundo++] = (undo){UNDO_REMOVED, idx, r->h};
    m->pending_promised++;
    table_remove_at(m, (size_t)pos);
    m->strs[r->h->owner].owner_count--;
    /* The slot stays taken until commit, so a rollback can put the record back. */
    r->h = NULL;
    m->order_stale = 1;
    return PTR_OK;
}

/* ---- the ordered index and scans ------------------------------------------ */

typedef struct okey {
    uint32_t region;
    uint32_t idx;
    uint8_t family;
    uint8_t bytes[16];
} okey;

static int okey_cmp(const void *pa, const void *pb)
{
    const okey *a = pa, *b = pb;
    if (a->region != b->region)
        return a->region < b->region ? -1 : 1;
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    int c = memcmp(a->bytes, b->bytes, sizeof a->bytes);
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int slot_cmp(const mhead *r, uint32_t region, uint8_t family, const uint8_t bytes[16])
{
    if (r->region != region)
        return r->region < region ? -1 : 1;
    if (r->addr.family != family)
        return r->addr.family < family ? -1 : 1;
    return memcmp(r->addr.bytes, bytes, 16);
}

/* Bring the order array up to date: drop removed slots, merge in the pending ones. */
static ptr_status order_refresh(memstore *m)
{
    if (!m->npending && !m->order_stale)
        return PTR_OK;
    okey *keys = NULL;
    size_t nk = 0;
    if (m->npending) {
        keys = m->alloc.malloc(m->alloc.ctx, m->npending * sizeof *keys);
        if (!keys)
            return PTR_E_NOMEM;
    }
    size_t need = m->norder + m->npending;
    if (need) {
        uint32_t *o = ptr__grow(&m->alloc, m->order, &m->order_cap, need, sizeof *o);
        if (!o) {
            if (keys)
                m->alloc.free(m->alloc.ctx, keys);
            return PTR_E_NOMEM;
        }
        m->order = o;
    }
    /* Nothing can fail from here on. */
    for (size_t i = 0; i < m->npending; i++) {
        const uint32_t idx = m->pending[i];
        const mrec *r = &m->recs[idx];
        if (!r->h || r->indexed)
            continue;
        okey *k = &keys[nk++];
        k->region = r->h->region;
        k->idx = idx;
        k->family = r->h->addr.family;
        memcpy(k->bytes, r->h->addr.bytes, 16);
    }
    if (nk > 1)
        qsort(keys, nk, sizeof *keys, okey_cmp);
    /* A slot may be pending twice (removed and reused); equal slots sort together. */
    size_t nu = 0;
    for (size_t i = 0; i < nk; i++)
        if (!nu || keys[nu - 1].idx != keys[i].idx)
            keys[nu++] = keys[i];
    size_t live = 0;
    for (size_t i = 0; i < m->norder; i++) {
        const mrec *r = &m->recs[m->order[i]];
        if (r->h && r->indexed)
            m->order[live++] = m->order[i];
    }
    /* Merge from the back, in place. */
    size_t i = live, j = nu, out = live + nu;
    while (j > 0) {
        const okey *k = &keys[j - 1];
        if (i > 0 && slot_cmp(m->recs[m->order[i - 1]].h, k->region, k->family, k->bytes) > 0)
            m->order[--out] = m->order[--i];
        else {
            m->order[--out] = k->idx;
            m->recs[k->idx].indexed = 1;
            j--;
        }
    }
    m->norder = live + nu;
    m->npending = 0;
    m->order_stale = 0;
    if (keys)
        m->alloc.free(m->alloc.ctx, keys);
    return PTR_OK;
}

static ptr_status ms_scan(void *user, ptr_store_txn *txn, const ptr_store_filter *f,
                          const ptr_addr *after, ptr_store_visit_fn visit, void *visit_ctx)
{
    memstore *m = txn_store(user, txn);
    if (!m)
        return PTR_E_INVAL;
    ptr_status st = order_refresh(m);
    if (st != PTR_OK)
        return st;
    long rid = intern_lookup(m, REGIONS, f->region.s, f->region.len);
    if (rid < 0)
        return PTR_OK;
    long pid = -1, oid = -1;
    if (f->project.len && (pid = intern_lookup(m, TENANTS, f->project.s, f->project.len)) < 0)
        return PTR_OK;
    if (f->owner.len && (oid = intern_lookup(m, TENANTS, f->owner.s, f->owner.len)) < 0)
        return PTR_OK;
    /* First position whose key is above (region, after), or at (region, anything). */
    uint8_t fam = 0, bytes[16] = {0};
    if (after) {
        fam = after->family;
        memcpy(bytes, after->bytes, 16);
    }
    size_t lo = 0, hi = m->norder;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = slot_cmp(m->recs[m->order[mid]].h, (uint32_t)rid, fam, bytes);
        if (c < 0 || (c == 0 && after))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < m->norder; i++) {
        const mhead *r = m->recs[m->order[i]].h;
        if (r->region != (uint32_t)rid)
            break;
        if ((pid >= 0 && r->project != (uint32_t)pid) || (oid >= 0 && r->owner != (uint32_t)oid))
            continue;
        if ((st = decode(r, m->scratch)) != PTR_OK)
            return st;
        if (!ptr_store_filter_match(f, m->scratch))
            continue;
        if (visit(visit_ctx, m->scratch))
            break;
    }
    return PTR_OK;
}

/* ---- life cycle ---------------------------------------------------------------- */

static void ms_destroy(void *user)
{
    memstore *m = user;
    const ptr_allocator a = m->alloc;
    for (size_t i = 0; i < m->nrecs; i++)
        if (m->recs[i].h)
            a.free(a.ctx, m->recs[i].h);
    for (size_t i = 0; i < m->nstrs; i++)
        a.free(a.ctx, m->strs[i].s);
    void *arrays[] = {m->recs, m->table, m->strs, m->stab, m->order, m->pending, m->undo};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++)
        if (arrays[i])
            a.free(a.ctx, arrays[i]);
    ptr_record_free(m->scratch);
    a.free(a.ctx, m);
}

static const ptr_store_methods memstore_methods = {
    .version = 2, /* until the rewrite gives it the version 3 slots */
    .begin = ms_begin,
    .commit = ms_commit,
    .rollback = ms_rollback,
    .get = ms_get,
    .insert = ms_insert,
    .replace = ms_replace,
    .remove = ms_remove,
    .count_owner = ms_count_owner,
    .scan = ms_scan,
    .destroy = ms_destroy,
    .insert_checked = ms_insert_checked,
};

ptr_status ptr_memstore_new(const ptr_allocator *alloc, ptr_store **out)
{
    if (!out)
        return PTR_E_INVAL;
    ptr_allocator a;
    if (ptr__allocator_set(&a, alloc) != PTR_OK)
        return PTR_E_INVAL;
    memstore *m = a.malloc(a.ctx, sizeof *m);
    if (!m)
        return PTR_E_NOMEM;
    memset(m, 0, sizeof *m);
    m->alloc = a;
    ptr_status st = ptr_record_new(&a, &m->scratch);
    if (st != PTR_OK) {
        a.free(a.ctx, m);
        return st;
    }
    ptr__lock_init(&m->lock);
    st = ptr_store_new(&memstore_methods, m, out);
    if (st != PTR_OK)
        ms_destroy(m);
    return st;
}
