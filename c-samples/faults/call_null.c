/* A call through a NULL function pointer: the fault is at address 0, outside
   every module, so the caller is found from the return address on the stack. */
#include <stdio.h>

int (*volatile handler)(int); /* NULL */
volatile int sink;

__attribute__((noipa)) int dispatch(int v) {
  int r = handler(v);
  sink = r;
  return r;
}

int main(void) {
  printf("calling nothing\n");
  fflush(stdout);
  return dispatch(sink);
}
