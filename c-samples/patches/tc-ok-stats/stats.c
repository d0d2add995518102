/* stats.c v2: struct stats gains max in the middle; both users replaced,
 * the record converted by dsu_transfer. */
#include <stdio.h>
#include "dsu.h"

struct stats { int count; int max; int sum; };
struct stats_v1 { int count; int sum; };
struct stats stats;
extern struct stats_v1 old_stats DSU_OLD(stats);

void stats_add(int v)
{
  stats.count++;
  stats.sum += v;
  if (v > stats.max) stats.max = v;
}

void stats_print(void)
{
  printf("stats %d %d max %d\n", stats.count, stats.sum, stats.max);
}

int dsu_transfer(void)
{
  stats.count = old_stats.count;
  stats.sum = old_stats.sum;
  stats.max = 0;
  return 0;
}
