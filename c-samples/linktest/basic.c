/*
 * A patch-like shared object that ld.so can also load into `host` natively:
 * it reads and writes the host's globals, calls the host and libc, exports
 * functions and data of its own, binds its own globals to itself through its
 * GOT, and has an initialiser and a finaliser. Built as basic.so (-fPIC),
 * textrel.so (-fno-PIC: relocations in .text) and relr.so (DT_RELR).
 */
#include <stdio.h>

extern int host_value;
extern int host_array[4];
extern const char host_name[];
int host_add(int a, int b);

int patch_data = 5;
int *patch_ptr = &host_value;
int (*patch_fn)(int, int) = host_add;
const char *patch_msg = "patched";
const int *patch_elem = &host_array[2];
/* libc has fopen@GLIBC_2.0 and the default fopen@@GLIBC_2.1 */
FILE *(*patch_fopen)(const char *, const char *) = fopen;
int patch_init_runs;
static int local_state = 3;

int patch_add(int a, int b) { return host_add(a, b) + host_value + patch_data; }

void patch_say(void) {
  puts(patch_msg);
  puts(host_name);
}

int patch_read(void) { return host_array[2] + local_state++; }

int patch_twice(int x) { return patch_add(x, x); }

void patch_store(int v) { host_value = v; }

__attribute__((constructor)) static void patch_init(void) { patch_init_runs++; }

__attribute__((destructor)) static void patch_fini(void) { patch_init_runs--; }
