/*
 * The import progress bar: lines done, rate and time left, redrawn in place
 * on stderr at most 10 times a second, and only when stderr is a terminal,
 * so logs and pipes never receive carriage returns and escape sequences.
 */
#include <time.h>
#include <unistd.h>

#include "ptrctl.h"

#define WIDTH 30

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_start(progress *p, uint64_t total_bytes, int enabled)
{
    p->on = enabled && isatty(STDERR_FILENO);
    p->total = total_bytes;
    p->start = p->last = now_s();
    p->drawn = 0;
}

void progress_update(progress *p, uint64_t lines, uint64_t bytes, int force)
{
    if (!p->on)
        return;
    const double t = now_s();
    if (!force && t - p->last < 0.1)
        return;
    p->last = t;
    const double elapsed = t - p->start;
    const double rate = elapsed > 0 ? (double)lines / elapsed : 0;
    fputs("\r\033[K", stderr);
    if (p->total) {
        const double frac = bytes >= p->total ? 1.0 : (double)bytes / (double)p->total;
        const int fill = (int)(frac * WIDTH);
        fputc('[', stderr);
        for (int i = 0; i < WIDTH; i++)
            fputc(i < fill ? '#' : '.', stderr);
        fprintf(stderr, "] %3d%% ", (int)(frac * 100));
        fprintf(stderr, "%llu lines  %.0f lines/s", (unsigned long long)lines, rate);
        if (frac > 0 && frac < 1)
            fprintf(stderr, "  %.0fs left", elapsed * (1 - frac) / frac);
    } else {
        fprintf(stderr, "%llu lines  %.0f lines/s", (unsigned long long)lines, rate);
    }
    p->drawn = 1;
}

void progress_finish(progress *p)
{
    if (p->on && p->drawn)
        fputs("\r\033[K", stderr);
    p->drawn = 0;
}
