#include <stdio.h>
#include <libptr/libptr.h>
int main(void) { printf("libptr %s\n", ptr_version()); return 0; }
