/*
 * The memory store's maps and its address order (see memstore_index.h).
 */
#include <string.h>

#include "store/memstore_index.h"

/* Grow an array to room for need elements, doubling from 8; NULL (p untouched) on failure. */
static void *grow(const ptr_allocator *a, void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 8;
    while (n < need) {
        if (n > SIZE_MAX / 2 / elem)
            return NULL;
        n *= 2;
    }
    void *q = p ? a->realloc(a->ctx, p, n * elem) : a->malloc(a->ctx, n * elem);
    if (q)
        *cap = n;
    return q;
}

/* A finalizer that spreads every input bit over the word (splitmix64's). */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t text_hash(const char *s, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return mix64(h);
}

static uint64_t addr_hash(const ptr_addr *a)
{
    uint64_t w0, w1;
    memcpy(&w0, a->bytes, 8);
    memcpy(&w1, a->bytes + 8, 8);
    return mix64(w0 ^ mix64(w1 ^ a->family));
}

/* ---- text -> count and pointer ---------------------------------------------------- */

ms_text_entry *ms_textmap_find(const ms_textmap *m, const char *s, size_t len)
{
    if (!m->n)
        return NULL;
    const uint64_t h = text_hash(s, len);
    const size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        ms_text_entry *e = &m->e[i];
        if (!e->key)
            return NULL;
        if (e->hash == h && e->len == len && memcmp(e->key, s, len) == 0)
            return e;
    }
}

static void textmap_place(ms_text_entry *tab, size_t cap, const ms_text_entry *e)
{
    for (size_t i = e->hash & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!tab[i].key) {
            tab[i] = *e;
            return;
        }
}

ptr_status ms_textmap_add(const ptr_allocator *a, ms_textmap *m, const char *s, size_t len,
                          ms_text_entry **out, int *added)
{
    ms_text_entry *e = ms_textmap_find(m, s, len);
    *added = 0;
    if (e) {
        *out = e;
        return PTR_OK;
    }
    /* Kept at most half full, so probes stay short. */
    if ((m->n + 1) * 2 > m->cap) {
        const size_t cap = m->cap ? m->cap * 2 : 16;
        ms_text_entry *tab = a->malloc(a->ctx, cap * sizeof *tab);
        if (!tab)
            return PTR_E_NOMEM;
        memset(tab, 0, cap * sizeof *tab);
        for (size_t i = 0; i < m->cap; i++)
            if (m->e[i].key)
                textmap_place(tab, cap, &m->e[i]);
        if (m->e)
            a->free(a->ctx, m->e);
        m->e = tab;
        m->cap = cap;
    }
    char *key = a->malloc(a->ctx, len + 1);
    if (!key)
        return PTR_E_NOMEM;
    if (len)
        memcpy(key, s, len);
    key[len] = '\0';
    const ms_text_entry ne = {key, len, text_hash(s, len), 0, NULL};
    textmap_place(m->e, m->cap, &ne);
    m->n++;
    *out = ms_textmap_find(m, s, len);
    *added = 1;
    return PTR_OK;
}

void ms_textmap_drop(const ptr_allocator *a, ms_textmap *m, ms_text_entry *e)
{
    a->free(a->ctx, e->key);
    /* Backward-shift deletion: move later entries of the run into the hole (no tombstones). */
    const size_t mask = m->cap - 1;
    size_t hole = (size_t)(e - m->e);
    for (size_t i = (hole + 1) & mask; m->e[i].key; i = (i + 1) & mask) {
        const size_t home = m->e[i].hash & mask;
        /* Entry i may fill the hole unless its home lies cyclically in (hole, i]. */
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            m->e[hole] = m->e[i];
            hole = i;
        }
    }
    memset(&m->e[hole], 0, sizeof m->e[hole]);
    m->n--;
}

void ms_textmap_free(const ptr_allocator *a, ms_textmap *m)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->e[i].key)
            a->free(a->ctx, m->e[i].key);
    if (m->e)
        a->free(a->ctx, m->e);
    memset(m, 0, sizeof *m);
}

/* ---- address -> record --------------------------------------------------------------- */

ms_slot *ms_records_find(const ms_records *m, const ptr_addr *addr)
{
    if (!m->n)
        return NULL;
    const uint32_t h = (uint32_t)addr_hash(addr);
    const size_t mask = m->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        ms_slot *s = &m->e[i];
        const ptr_record *rec = ms_ref_get(&s->rec);
        if (!rec)
            return NULL;
        if (s->hash == h) {
            /* The get that follows copies the whole block (record, spans, text: about
             * 400 bytes); asking for its lines now lets their misses overlap. */
#if defined(__GNUC__)
            for (size_t off = 0; off < 512; off += 64)
                __builtin_prefetch((const char *)rec + off);
#endif
            if (ptr_addr_equal(ptr_record_address(rec), addr))
                return s;
        }
    }
}

static void records_place(ms_slot *tab, size_t cap, ptr_record *rec, uint32_t h)
{
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1))
        if (!ms_ref_get(&tab[i].rec)) {
            ms_ref_set(&tab[i].rec, rec);
            tab[i].hash = h;
            return;
        }
}

ptr_status ms_records_reserve(const ptr_allocator *a, ms_records *m)
{
    /* At most 3/4 full: 12-byte slots, about 24 bytes a record on average. */
    if ((m->n + 1) * 4 <= m->cap * 3)
        return PTR_OK;
    const size_t cap = m->cap ? m->cap * 2 : 16;
    if (cap > (size_t)UINT32_MAX + 1) /* the 32-bit hash picks the home slot */
        return PTR_E_NOMEM;
    ms_slot *tab = a->malloc(a->ctx, cap * sizeof *tab);
    if (!tab)
        return PTR_E_NOMEM;
    memset(tab, 0, cap * sizeof *tab);
    for (size_t i = 0; i < m->cap; i++) {
        ptr_record *rec = ms_ref_get(&m->e[i].rec);
        if (rec)
            records_place(tab, cap, rec, m->e[i].hash);
    }
    if (m->e)
        a->free(a->ctx, m->e);
    m->e = tab;
    m->cap = cap;
    return PTR_OK;
}

void ms_records_put(ms_records *m, ptr_record *rec)
{
    records_place(m->e, m->cap, rec, (uint32_t)addr_hash(ptr_record_address(rec)));
    m->n++;
}

void ms_records_remove(ms_records *m, ms_slot *slot)
{
    const size_t mask = m->cap - 1;
    size_t hole = (size_t)(slot - m->e);
    for (size_t i = (hole + 1) & mask; ms_ref_get(&m->e[i].rec); i = (i + 1) & mask) {
        const size_t home = m->e[i].hash & mask;
        if (((i - home) & mask) >= ((i - hole) & mask)) {
            m->e[hole] = m->e[i];
            hole = i;
        }
    }
    memset(&m->e[hole], 0, sizeof m->e[hole]);
    m->n--;
}

/* ---- the address order --------------------------------------------------------------- */

/* The block that holds, or would hold, addr: the last whose first entry is <= addr (0 if none). */
static size_t block_of(const ms_order *o, const ptr_addr *addr)
{
    size_t lo = 0, hi = o->nb;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (ptr_addr_compare(&o->first[mid], addr) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo ? lo - 1 : 0;
}

/* Position of the first entry of b not below addr (above it, when strictly is set). */
static size_t pos_in(const ms_block *b, const ptr_addr *addr, int strictly)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = ptr_addr_compare(&b->e[mid].addr, addr);
        if (c < 0 || (strictly && c == 0))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A block for a split: a spare beyond the promised ones, else a new one; NULL if none. */
static ms_block *take_block(const ptr_allocator *a, ms_spares *sp)
{
    if (!a) /* a rollback: a promised spare is there */
        return sp->b[--sp->n];
    if (sp->n > sp->promised)
        return sp->b[--sp->n];
    return a->malloc(a->ctx, sizeof(ms_block));
}

/* Room in the directory for one more block. */
static ptr_status dir_reserve(const ptr_allocator *a, ms_order *o, size_t extra)
{
    if (o->nb + extra <= o->cap)
        return PTR_OK;
    size_t cap = o->cap;
    ms_block **b = grow(a, o->b, &cap, o->nb + extra, sizeof *b);
    if (!b)
        return PTR_E_NOMEM;
    o->b = b;
    size_t fcap = o->cap;
    ptr_addr *f = grow(a, o->first, &fcap, o->nb + extra, sizeof *f);
    if (!f)
        return PTR_E_NOMEM; /* the larger b is harmless: cap still says the old size */
    o->first = f;
    o->cap = cap < fcap ? cap : fcap;
    return PTR_OK;
}

/* Put block nb (new) at directory position at. */
static void dir_insert(ms_order *o, size_t at, ms_block *nb)
{
    memmove(&o->b[at + 1], &o->b[at], (o->nb - at) * sizeof *o->b);
    memmove(&o->first[at + 1], &o->first[at], (o->nb - at) * sizeof *o->first);
    o->b[at] = nb;
    o->first[at] = nb->e[0].addr;
    o->nb++;
}

ptr_status ms_order_insert(const ptr_allocator *a, ms_order *o, ms_spares *sp, const ptr_addr *addr,
                           ptr_record *rec)
{
    if (a && dir_reserve(a, o, 1 + sp->promised) != PTR_OK)
        return PTR_E_NOMEM;
    if (o->nb == 0) {
        ms_block *b = take_block(a, sp);
        if (!b)
            return PTR_E_NOMEM;
        b->n = 1;
        b->e[0].addr = *addr;
        ms_ref_set(&b->e[0].rec, rec);
        dir_insert(o, 0, b);
        return PTR_OK;
    }
    size_t bi = block_of(o, addr);
    ms_block *b = o->b[bi];
    size_t pos = pos_in(b, addr, 0);
    if (b->n == MS_BLOCK) {
        ms_block *nb = take_block(a, sp);
        if (!nb)
            return PTR_E_NOMEM;
        /*
         * Split at the middle; except that an insert past the end of the last
         * block starts an empty one, so ascending inserts leave full blocks
         * behind them instead of half-full ones.
         */
        const size_t keep = (bi + 1 == o->nb && pos == MS_BLOCK) ? MS_BLOCK : MS_BLOCK / 2;
        nb->n = MS_BLOCK - keep;
        memcpy(nb->e, &b->e[keep], nb->n * sizeof *nb->e);
        b->n = keep;
        if (nb->n) {
            dir_insert(o, bi + 1, nb);
        } else {
            nb->n = 1;
            nb->e[0].addr = *addr;
            ms_ref_set(&nb->e[0].rec, rec);
            dir_insert(o, bi + 1, nb);
            return PTR_OK;
        }
        if (pos > keep) {
            bi++;
            b = nb;
            pos -= keep;
        }
    }
    memmove(&b->e[pos + 1], &b->e[pos], (b->n - pos) * sizeof *b->e);
    b->e[pos].addr = *addr;
    ms_ref_set(&b->e[pos].rec, rec);
    b->n++;
    if (pos == 0)
        o->first[bi] = *addr;
    return PTR_OK;
}

ms_okey *ms_order_find(const ms_order *o, const ptr_addr *addr)
{
    if (!o->nb)
        return NULL;
    ms_block *b = o->b[block_of(o, addr)];
    const size_t pos = pos_in(b, addr, 0);
    if (pos < b->n && ptr_addr_compare(&b->e[pos].addr, addr) == 0)
        return &b->e[pos];
    return NULL;
}

void ms_order_remove(const ptr_allocator *a, ms_order *o, const ptr_addr *addr)
{
    const size_t bi = block_of(o, addr);
    ms_block *b = o->b[bi];
    const size_t pos = pos_in(b, addr, 0);
    if (pos >= b->n) /* not there: the callers never ask */
        return;
    b->n--;
    memmove(&b->e[pos], &b->e[pos + 1], (b->n - pos) * sizeof *b->e);
    if (b->n == 0) {
        /* Freed at once: the spare a remove promised covers the rollback's re-insert. */
        a->free(a->ctx, b);
        o->nb--;
        memmove(&o->b[bi], &o->b[bi + 1], (o->nb - bi) * sizeof *o->b);
        memmove(&o->first[bi], &o->first[bi + 1], (o->nb - bi) * sizeof *o->first);
    } else if (pos == 0) {
        o->first[bi] = b->e[0].addr;
    }
}

ptr_status ms_order_promise(const ptr_allocator *a, ms_order *o, ms_spares *sp)
{
    if (dir_reserve(a, o, 2 + sp->promised) != PTR_OK)
        return PTR_E_NOMEM;
    ms_block **b = grow(a, sp->b, &sp->cap, sp->promised + 1, sizeof *b);
    if (!b)
        return PTR_E_NOMEM;
    sp->b = b;
    if (sp->n < sp->promised + 1) {
        ms_block *nb = a->malloc(a->ctx, sizeof *nb);
        if (!nb)
            return PTR_E_NOMEM;
        sp->b[sp->n++] = nb;
    }
    sp->promised++;
    return PTR_OK;
}

int ms_order_walk(const ms_order *o, const ptr_addr *after, int (*fn)(void *ctx, ptr_record *rec),
                  void *ctx)
{
    size_t bi = 0, pos = 0;
    if (after && o->nb) {
        bi = block_of(o, after);
        pos = pos_in(o->b[bi], after, 1);
    }
    for (; bi < o->nb; bi++, pos = 0) {
        const ms_block *b = o->b[bi];
        for (; pos < b->n; pos++) {
            const int r = fn(ctx, ms_ref_get(&b->e[pos].rec));
            if (r)
                return r;
        }
    }
    return 0;
}

void ms_order_free(const ptr_allocator *a, ms_order *o)
{
    for (size_t i = 0; i < o->nb; i++)
        a->free(a->ctx, o->b[i]);
    if (o->b)
        a->free(a->ctx, o->b);
    if (o->first)
        a->free(a->ctx, o->first);
    memset(o, 0, sizeof *o);
}

void ms_spares_trim(const ptr_allocator *a, ms_spares *sp, size_t keep)
{
    while (sp->n > sp->promised + keep)
        a->free(a->ctx, sp->b[--sp->n]);
}

/* ---- owner -> limit ------------------------------------------------------------------ */

static int owner_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
    const int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c)
        return c;
    return alen < blen ? -1 : alen > blen;
}

/* Position of the first entry not below owner. */
static size_t limit_pos(const ms_limits *l, const char *owner, size_t len)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (owner_cmp(l->e[mid].owner, l->e[mid].len, owner, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

ms_limit *ms_limits_find(const ms_limits *l, const char *owner, size_t len)
{
    const size_t i = limit_pos(l, owner, len);
    if (i < l->n && owner_cmp(l->e[i].owner, l->e[i].len, owner, len) == 0)
        return &l->e[i];
    return NULL;
}

ptr_status ms_limits_add(const ptr_allocator *a, ms_limits *l, const char *owner, size_t len,
                         uint64_t limit)
{
    ms_limit *e = grow(a, l->e, &l->cap, l->n + 1, sizeof *e);
    if (!e)
        return PTR_E_NOMEM;
    l->e = e;
    char *key = a->malloc(a->ctx, len + 1);
    if (!key)
        return PTR_E_NOMEM;
    if (len)
        memcpy(key, owner, len);
    key[len] = '\0';
    const size_t i = limit_pos(l, owner, len);
    memmove(&l->e[i + 1], &l->e[i], (l->n - i) * sizeof *l->e);
    l->e[i] = (ms_limit){key, len, limit, 1};
    l->n++;
    return PTR_OK;
}

void ms_limits_drop(const ptr_allocator *a, ms_limits *l, ms_limit *e)
{
    const size_t i = (size_t)(e - l->e);
    a->free(a->ctx, e->owner);
    l->n--;
    memmove(&l->e[i], &l->e[i + 1], (l->n - i) * sizeof *l->e);
}

void ms_limits_free(const ptr_allocator *a, ms_limits *l)
{
    for (size_t i = 0; i < l->n; i++)
        a->free(a->ctx, l->e[i].owner);
    if (l->e)
        a->free(a->ctx, l->e);
    memset(l, 0, sizeof *l);
}
