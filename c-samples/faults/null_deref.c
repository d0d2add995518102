/* A write through a NULL pointer, three named calls below main. */
#include <stdio.h>

int *volatile target; /* NULL, and the compiler cannot assume it */
volatile int sink;

/* noipa: no inlining, cloning or interprocedural tricks, so the names in the
   backtrace are the names in this file; the store to sink after each call
   keeps gcc from turning the call into a tail jump. */
__attribute__((noipa)) int crash_here(int v) {
  *target = v;
  return v + 1;
}

__attribute__((noipa)) int middle(int v) {
  int r = crash_here(v * 3);
  sink = r;
  return r;
}

__attribute__((noipa)) int outer(int v) {
  int r = middle(v + 1);
  sink = r;
  return r;
}

int main(void) {
  printf("about to crash\n");
  fflush(stdout);
  return outer(sink);
}
