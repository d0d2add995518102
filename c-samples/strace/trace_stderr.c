/* A program that writes whole lines to its own stderr, one write(2) each,
   from two threads: under `dsu run --strace` the trace's lines go to the
   same stderr and must never cut the program's lines, nor be cut by them
   (test/diff/strace-options.test.ts). */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void *writer(void *arg) {
  const char *who = arg;
  char line[64];
  for (int i = 0; i < 100; i++) {
    int n = snprintf(line, sizeof line, "%s line %d of the program\n", who, i);
    write(2, line, n);
  }
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, writer, "thread");
  writer("main");
  pthread_join(t, NULL);
  return 0;
}
