/* Integer division by zero (SIGFPE, FPE_INTDIV). */
#include <stdio.h>

volatile int numerator = 7;
volatile int denominator = 0;
volatile int sink;

__attribute__((noipa)) int divide(int a, int b) {
  return a / b;
}

__attribute__((noipa)) int average(int total, int count) {
  int r = divide(total, count);
  sink = r;
  return r;
}

int main(void) {
  printf("dividing\n");
  fflush(stdout);
  return average(numerator, denominator);
}
