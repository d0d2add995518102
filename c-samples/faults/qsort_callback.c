/* A crash inside a qsort comparator: the backtrace crosses libc. */
#include <stdio.h>
#include <stdlib.h>

int *volatile poison; /* NULL */
volatile int sink;

static __attribute__((noipa)) int compare_values(const void *a, const void *b) {
  int x = *(const int *)a;
  int y = *(const int *)b;
  if (x == 13 || y == 13) *poison = x;
  return (x > y) - (x < y);
}

__attribute__((noipa)) void sort_values(int *values, int n) {
  qsort(values, (size_t)n, sizeof *values, compare_values);
  sink = values[0];
}

int main(void) {
  int values[] = {5, 3, 21, 8, 1, 13, 2, 34};
  printf("sorting\n");
  fflush(stdout);
  sort_values(values, (int)(sizeof values / sizeof values[0]));
  return sink;
}
