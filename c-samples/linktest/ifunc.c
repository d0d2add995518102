/* Calls and takes the address of libc functions that are IFUNCs on i386. */
#include <string.h>

void *(*patch_copy)(void *, const void *, size_t) = memcpy;

size_t patch_len(const char *s) { return strlen(s); }
