/* An illegal instruction (ud2, from __builtin_trap) in a named function. */
#include <stdio.h>

volatile int sink;

__attribute__((noipa)) int trap_here(int v) {
  if (v >= 0) __builtin_trap();
  return v;
}

__attribute__((noipa)) int check(int v) {
  int r = trap_here(v - 1);
  sink = r;
  return r;
}

int main(void) {
  printf("about to trap\n");
  fflush(stdout);
  return check(sink + 1);
}
