/* A write to a string literal: the page is mapped, but read-only. */
#include <stdio.h>

volatile int sink;

__attribute__((noipa)) void capitalise(char *s) {
  s[0] = (char)(s[0] - 32);
}

__attribute__((noipa)) int shout(char *s) {
  capitalise(s);
  sink = s[0];
  return sink;
}

int main(void) {
  printf("writing to a literal\n");
  fflush(stdout);
  return shout((char *)"quiet please");
}
