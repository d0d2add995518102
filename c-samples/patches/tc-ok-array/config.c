/* limits grows to 8 entries: defined here (new storage), filled from the old. */
#include <string.h>
#include "dsu.h"

int limits[8] = { 10, 20, 30, 40, 50, 60, 70, 80 };
extern int old_limits[4] DSU_OLD(limits);

int limit_of(int i)
{
  return i >= 0 && i < 8 ? limits[i] : -1;
}

int dsu_transfer(void)
{
  memcpy(limits, old_limits, sizeof old_limits);
  return 0;
}
