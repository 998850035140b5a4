/*
 * Stand-in for libFuzzer's main() where there is no libFuzzer (gcc, or any
 * compiler other than clang): runs LLVMFuzzerTestOneInput once over every
 * file named on the command line, or found directly inside a directory named
 * there, in name order. Each input sits in a heap block of exactly its size,
 * so a sanitizer build catches reads past the end, as under libFuzzer.
 *
 * Exit status: 0 when every input ran; 1 when no input was found at all (a
 * replay of nothing proves nothing); 2 on a path that cannot be read. A
 * failed check aborts the process.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static unsigned long inputs_run;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, len = 0;
    uint8_t *buf = malloc(cap);
    if (!buf)
        abort();
    for (;;) {
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
        if (len == cap) {
            cap *= 2;
            uint8_t *grown = realloc(buf, cap);
            if (!grown)
                abort();
            buf = grown;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "cannot read %s\n", path);
        free(buf);
        return -1;
    }
    /* Exactly len bytes, so one byte too far is a heap-buffer-overflow. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact)
        abort();
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    inputs_run++;
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "cannot open directory %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden files such as .gitkeep */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                abort();
            names = grown;
        }
        size_t need = strlen(dir) + 1 + strlen(e->d_name) + 1;
        names[n] = malloc(need);
        if (!names[n])
            abort();
        snprintf(names[n], need, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof *names, cmp_names);

    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0) {
            fprintf(stderr, "cannot stat %s: %s\n", names[i], strerror(errno));
            rc = -1;
        } else if (S_ISREG(st.st_mode) && run_file(names[i]) != 0) {
            rc = -1;
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    const char *self = argc > 0 ? argv[0] : "fuzz";
    const char *slash = strrchr(self, '/');
    if (slash)
        self = slash + 1;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIRECTORY...\n", self);
        return 2;
    }

    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "cannot stat %s: %s\n", argv[i], strerror(errno));
            rc = 2;
        } else if (S_ISDIR(st.st_mode) ? run_dir(argv[i]) != 0 : run_file(argv[i]) != 0) {
            rc = 2;
        }
    }

    printf("%s: %lu inputs ran\n", self, inputs_run);
    if (fuzz_unsupported_hits > 0)
        printf("%s: %lu calls returned PTR_E_UNSUPPORTED and were skipped\n", self,
               fuzz_unsupported_hits);
    if (rc == 0 && inputs_run == 0) {
        fprintf(stderr, "%s: no inputs found\n", self);
        rc = 1;
    }
    return rc;
}
