/* stats_print of a stats.c whose struct gained `max` at the end. */
#include <stdio.h>
struct stats { int count; int sum; int max; };
extern struct stats stats;

void stats_print(void)
{
  printf("stats %d %d max %d\n", stats.count, stats.sum, stats.max);
}
