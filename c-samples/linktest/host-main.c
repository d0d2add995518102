/*
 * The program the linker tests link shared objects into (with host-a.c and
 * host-b.c, which both define a static `counter`).
 *
 *   host            marks itself ready (host_ready = 1) and sleeps until the
 *                   test sets host_quit, then exits with host_value & 0xff.
 *   host dlopen OBJECT OFFSET[:pc]...
 *                   loads OBJECT with the system's ld.so (RTLD_NOW) and, for
 *                   each relocated word at OFFSET in it, prints where the word
 *                   points: "OFFSET MODULE DELTA" (MODULE is exe, a file's base
 *                   name, or 0 for a null word). With :pc the word is a
 *                   PC-relative displacement and its target is word + address.
 *                   This is the reference the tests compare dsu's linker with.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int host_value = 42;
int host_array[4] = {10, 20, 30, 40};
const char host_name[] = "host";
volatile int host_ready;
volatile int host_quit;

/* file-local state a patch may name: a static variable, a static function
   and a function-local static (calls.0 in the symbol table) */
static int hits = 7;

__attribute__((noinline)) static int bump_hits(void) { return ++hits; }

__attribute__((noinline)) int host_calls(void) {
  static int calls;
  return ++calls;
}

int host_add(int a, int b) { return a + b; }

int a_tick(void);
int b_tick(void);

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static int probe(const char *object, int count, char **offsets) {
  void *handle = dlopen(object, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  struct link_map *map;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0) {
    fprintf(stderr, "dlinfo: %s\n", dlerror());
    return 1;
  }
  Dl_info self;
  dladdr((void *)&host_value, &self);
  for (int i = 0; i < count; i++) {
    char *end;
    uintptr_t offset = strtoul(offsets[i], &end, 0);
    uintptr_t at = map->l_addr + offset;
    uintptr_t word = *(uint32_t *)at;
    uintptr_t target = strcmp(end, ":pc") == 0 ? word + at : word;
    Dl_info info;
    if (target == 0) {
      printf("0x%lx 0\n", (unsigned long)offset);
    } else if (dladdr((void *)target, &info) && info.dli_fbase) {
      const char *module = info.dli_fbase == self.dli_fbase ? "exe" : base_name(info.dli_fname);
      printf("0x%lx %s 0x%lx\n", (unsigned long)offset, module, (unsigned long)(target - (uintptr_t)info.dli_fbase));
    } else {
      printf("0x%lx ? 0x%lx\n", (unsigned long)offset, (unsigned long)target);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 3 && strcmp(argv[1], "dlopen") == 0) return probe(argv[2], argc - 3, argv + 3);
  host_value += bump_hits() + host_calls() + a_tick() + b_tick() - hits - 1 - 101 - 202;
  host_ready = 1;
  struct timespec tick = {0, 2 * 1000 * 1000};
  while (!host_quit) nanosleep(&tick, NULL);
  return host_value & 0xff;
}
