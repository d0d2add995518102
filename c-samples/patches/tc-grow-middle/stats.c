/* stats_print of a stats.c whose struct gained `max` in the middle; only
 * stats_print is in the patch, so stats_add keeps the old layout. */
#include <stdio.h>
struct stats { int count; int max; int sum; };
extern struct stats stats;

void stats_print(void)
{
  printf("stats %d %d max %d\n", stats.count, stats.sum, stats.max);
}
