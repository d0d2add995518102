#include <stdio.h>
#include "typecheck.h"

struct config config = { 80, 2 };
int limits[4] = { 10, 20, 30, 40 };

__attribute__((noinline)) void apply_config(void)
{
  printf("config %d %d\n", config.port, config.level);
}

__attribute__((noinline)) int limit_of(int i)
{
  return i >= 0 && i < 4 ? limits[i] : -1;
}
