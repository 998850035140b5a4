/* A program outside the libptr tree that uses the installed libptr-push. */
#include <stdio.h>
#include <string.h>

#include <libptr/push.h>

int main(void)
{
    static const char text[] = "203.0.113.0/24 127.0.0.1:53 hmac-sha256:ptrpush:c2VjcmV0\n";
    ptr_push_config *cfg = NULL;
    ptr_error err;
    if (ptr_push_config_parse(text, strlen(text), &cfg, &err) != PTR_OK) {
        fprintf(stderr, "consumer: %s\n", err.message);
        return 1;
    }
    ptr_push *p = NULL;
    const ptr_status st = ptr_push_new(cfg, NULL, &p, &err);
    printf("libptr-push consumer: %zu prefix, pusher %s\n", ptr_push_config_count(cfg),
           ptr_status_name(st));
    ptr_push_free(p);
    ptr_push_config_free(cfg);
    return st == PTR_OK ? 0 : 1;
}
