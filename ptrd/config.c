/*
 * The token file and the EIP inventory. Both are read into one snapshot that
 * never changes after it is made; SIGHUP builds a new one and swaps the
 * pointer, so requests in flight finish with the files they started with and
 * a broken file leaves the running snapshot in place.
 */
#include "ptrd.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/sha2.h>

void ptrd_sha256(const void *data, size_t len, unsigned char out[PTRD_SHA256_LEN])
{
    struct sha256_ctx h;
    sha256_init(&h);
    sha256_update(&h, len, data);
    sha256_digest(&h, PTRD_SHA256_LEN, out);
}

int ptrd_is_uuid(const char *s, size_t len)
{
    if (len != 36)
        return 0;
    for (size_t i = 0; i < len; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return 0;
    }
    return 1;
}

int ptrd_is_region(const char *s, size_t len)
{
    if (len == 0 || len > PTRD_ID_MAX) /* also a scope text: at most 64 bytes */
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

static int is_scope_text(const char *s)
{
    return ptrd_is_region(s, strlen(s));
}

static int cmp_fip(const void *a, const void *b)
{
    return strcmp(((const ptrd_eip *)a)->fip, ((const ptrd_eip *)b)->fip);
}

static int cmp_addr(const void *a, const void *b)
{
    const ptrd_eip *x = *(const ptrd_eip *const *)a, *y = *(const ptrd_eip *const *)b;
    int c = strcmp(x->region, y->region);
    return c ? c : strcmp(x->address, y->address);
}

void ptrd_config_release(ptrd_config *c)
{
    if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    free(c->tokens);
    free(c->eips);
    free(c->by_addr);
    free(c);
}

/* Split a line at whitespace or commas into at most max fields (in place). */
static size_t split(char *line, const char *seps, char **f, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, seps, &save); t; t = strtok_r(NULL, seps, &save)) {
        if (n == max)
            return max + 1;
        f[n++] = t;
    }
    return n;
}

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        snprintf(msg, cap, __VA_ARGS__);                                                           \
        goto fail;                                                                                 \
    } while (0)

static int load_tokens(ptrd_config *c, const char *path, char *msg, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    size_t lineno = 0, room = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            FAIL("%s:%zu: line longer than %zu bytes", path, lineno, sizeof line - 2);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *fld[3];
        size_t n = split(line, " \t\r\n", fld, 3);
        if (n == 0)
            continue;
        if (n != 3)
            FAIL("%s:%zu: expected TOKEN PROJECT OWNER, found %zu fields", path, lineno, n);
        if (!is_scope_text(fld[1]))
            FAIL("%s:%zu: project '%s': 1..64 letters, digits, '-', '_' or '.'", path, lineno,
                 fld[1]);
        if (!is_scope_text(fld[2]))
            FAIL("%s:%zu: owner '%s': 1..64 letters, digits, '-', '_' or '.'", path, lineno,
                 fld[2]);
        if (c->ntokens == room) {
            room = room ? room * 2 : 16;
            ptrd_token *t = realloc(c->tokens, room * sizeof *t);
            if (!t)
                FAIL("%s: out of memory", path);
            c->tokens = t;
        }
        ptrd_token *t = &c->tokens[c->ntokens];
        if (strncmp(fld[0], "sha256:", 7) == 0) {
            const char *hex = fld[0] + 7;
            if (strlen(hex) != 2 * PTRD_SHA256_LEN)
                FAIL("%s:%zu: sha256: needs 64 hex digits", path, lineno);
            for (size_t i = 0; i < PTRD_SHA256_LEN; i++) {
                int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
                if (hi < 0 || lo < 0)
                    FAIL("%s:%zu: sha256: '%s' is not hex", path, lineno, hex);
                t->digest[i] = (unsigned char)(hi * 16 + lo);
            }
        } else {
            if (strlen(fld[0]) < 8)
                FAIL("%s:%zu: token shorter than 8 characters", path, lineno);
            ptrd_sha256(fld[0], strlen(fld[0]), t->digest);
        }
        snprintf(t->project, sizeof t->project, "%s", fld[1]);
        snprintf(t->owner, sizeof t->owner, "%s", fld[2]);
        c->ntokens++;
    }
    if (ferror(f))
        FAIL("%s: read error", path);
    fclose(f);
    return 0;
fail:
    fclose(f);
    return -1;
}

static int load_eips(ptrd_config *c, const char *path, char *msg, size_t cap)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, cap, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[1024];
    size_t lineno = 0, room = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f))
            FAIL("%s:%zu: line longer than %zu bytes", path, lineno, sizeof line - 2);
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        /* Fields may be padded with blanks; empty lines are skipped. */
        char *fld[4];
        size_t n = split(line, ",\r\n", fld, 4);
        for (size_t i = 0; i < n && i < 4; i++) {
            while (*fld[i] == ' ' || *fld[i] == '\t')
                fld[i]++;
            size_t l = strlen(fld[i]);
            while (l && (fld[i][l - 1] == ' ' || fld[i][l - 1] == '\t'))
                fld[i][--l] = '\0';
        }
        if (n == 1 && fld[0][0] == '\0')
            continue;
        if (n == 0)
            continue;
        if (n != 4)
            FAIL("%s:%zu: expected region,floatingip_id,address,project, found %zu fields", path,
                 lineno, n);
        if (!ptrd_is_region(fld[0], strlen(fld[0])))
            FAIL("%s:%zu: region '%s': 1..64 letters, digits, '-', '_' or '.'", path, lineno,
                 fld[0]);
        if (!ptrd_is_uuid(fld[1], strlen(fld[1])))
            FAIL("%s:%zu: floatingip_id '%s' is not a UUID", path, lineno, fld[1]);
        ptr_addr a;
        if (ptr_addr_parse(fld[2], strlen(fld[2]), &a) != PTR_OK)
            FAIL("%s:%zu: address '%s' is not an IP address", path, lineno, fld[2]);
        if (!is_scope_text(fld[3]))
            FAIL("%s:%zu: project '%s': 1..64 letters, digits, '-', '_' or '.'", path, lineno,
                 fld[3]);
        if (c->neips == room) {
            room = room ? room * 2 : 64;
            ptrd_eip *e = realloc(c->eips, room * sizeof *e);
            if (!e)
                FAIL("%s: out of memory", path);
            c->eips = e;
        }
        ptrd_eip *e = &c->eips[c->neips++];
        snprintf(e->region, sizeof e->region, "%s", fld[0]);
        for (size_t i = 0; i < 36; i++)
            e->fip[i] = (char)tolower((unsigned char)fld[1][i]);
        e->fip[36] = '\0';
        size_t alen = 0;
        ptr_addr_format(&a, e->address, sizeof e->address, &alen);
        snprintf(e->project, sizeof e->project, "%s", fld[3]);
    }
    if (ferror(f))
        FAIL("%s: read error", path);
    fclose(f);
    f = NULL;
    qsort(c->eips, c->neips, sizeof *c->eips, cmp_fip);
    for (size_t i = 1; i < c->neips; i++)
        if (strcmp(c->eips[i - 1].fip, c->eips[i].fip) == 0)
            FAIL("%s: floatingip_id %s listed twice", path, c->eips[i].fip);
    c->by_addr = malloc((c->neips ? c->neips : 1) * sizeof *c->by_addr);
    if (!c->by_addr)
        FAIL("%s: out of memory", path);
    for (size_t i = 0; i < c->neips; i++)
        c->by_addr[i] = &c->eips[i];
    qsort(c->by_addr, c->neips, sizeof *c->by_addr, cmp_addr);
    for (size_t i = 1; i < c->neips; i++)
        if (cmp_addr(&c->by_addr[i - 1], &c->by_addr[i]) == 0)
            FAIL("%s: address %s of region %s listed twice", path, c->by_addr[i]->address,
                 c->by_addr[i]->region);
    return 0;
fail:
    if (f)
        fclose(f);
    return -1;
}

ptrd_config *ptrd_config_load(const char *tokens_path, const char *eips_path, char *msg,
                              size_t cap)
{
    ptrd_config *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(msg, cap, "out of memory");
        return NULL;
    }
    atomic_init(&c->refs, 1);
    static atomic_uint_fast64_t generations;
    c->generation = atomic_fetch_add(&generations, 1) + 1;
    if (load_tokens(c, tokens_path, msg, cap) != 0 || load_eips(c, eips_path, msg, cap) != 0) {
        ptrd_config_release(c);
        return NULL;
    }
    return c;
}

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static ptrd_config *current;

ptrd_config *ptrd_config_acquire(void)
{
    pthread_mutex_lock(&current_lock);
    ptrd_config *c = current;
    atomic_fetch_add(&c->refs, 1);
    pthread_mutex_unlock(&current_lock);
    return c;
}

void ptrd_config_install(ptrd_config *c)
{
    pthread_mutex_lock(&current_lock);
    ptrd_config *old = current;
    current = c;
    pthread_mutex_unlock(&current_lock);
    ptrd_config_release(old);
}

const ptrd_token *ptrd_token_find(const ptrd_config *c, const char *token, size_t len)
{
    unsigned char d[PTRD_SHA256_LEN];
    ptrd_sha256(token, len, d);
    /* Every entry is compared in full, whatever matched, so the time taken
     * says nothing about which bytes of which token were right. */
    const ptrd_token *found = NULL;
    for (size_t i = 0; i < c->ntokens; i++) {
        unsigned diff = 0;
        for (size_t k = 0; k < PTRD_SHA256_LEN; k++)
            diff |= (unsigned)(d[k] ^ c->tokens[i].digest[k]);
        if (diff == 0 && !found)
            found = &c->tokens[i];
    }
    return found;
}

const ptrd_eip *ptrd_eip_by_fip(const ptrd_config *c, const char *fip, size_t len)
{
    if (!ptrd_is_uuid(fip, len))
        return NULL;
    ptrd_eip key;
    for (size_t i = 0; i < 36; i++)
        key.fip[i] = (char)tolower((unsigned char)fip[i]);
    key.fip[36] = '\0';
    return bsearch(&key, c->eips, c->neips, sizeof *c->eips, cmp_fip);
}

const ptrd_eip *ptrd_eip_by_addr(const ptrd_config *c, const char *region, const char *addr)
{
    ptrd_eip key;
    snprintf(key.region, sizeof key.region, "%s", region);
    snprintf(key.address, sizeof key.address, "%s", addr);
    const ptrd_eip *kp = &key;
    const ptrd_eip **hit = bsearch(&kp, c->by_addr, c->neips, sizeof *c->by_addr, cmp_addr);
    return hit ? *hit : NULL;
}
