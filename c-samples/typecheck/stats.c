#include <stdio.h>
#include "typecheck.h"

struct stats stats;

__attribute__((noinline)) void stats_add(int v)
{
  stats.count++;
  stats.sum += v;
}

__attribute__((noinline)) void stats_print(void)
{
  printf("stats %d %d\n", stats.count, stats.sum);
}
