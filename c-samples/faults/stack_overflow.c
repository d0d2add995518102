/* Unbounded recursion until the stack runs out. */
#include <stdio.h>

volatile int stop_at = -1; /* never reached, but gcc cannot know */
volatile int sink;

/* The local array is used after the recursive call, so the call is not in
   tail position and every level needs its own frame. */
__attribute__((noipa)) int recurse(int depth) {
  volatile char pad[64];
  if (depth == stop_at) return 0;
  pad[depth & 63] = (char)depth;
  int r = recurse(depth + 1);
  return r + pad[(depth * 7) & 63];
}

__attribute__((noipa)) int descend(void) {
  int r = recurse(0);
  sink = r;
  return r;
}

int main(void) {
  printf("recursing\n");
  fflush(stdout);
  return descend();
}
