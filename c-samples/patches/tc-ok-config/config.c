/* config.c v2: level is a long long; config is defined (new storage),
 * both users replaced, the old value converted. */
#include <stdio.h>
#include "dsu.h"

struct config { int port; long long level; };
struct config_v1 { int port; int level; };
struct config config;
extern struct config_v1 old_config DSU_OLD(config);
int limits[4] = { 10, 20, 30, 40 };

void apply_config(void)
{
  printf("config %d %lld\n", config.port, config.level);
}

int limit_of(int i)
{
  return i >= 0 && i < 4 ? limits[i] : -1;
}

int dsu_transfer(void)
{
  config.port = old_config.port;
  config.level = old_config.level;
  return 0;
}
