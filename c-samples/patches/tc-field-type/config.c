/* apply_config of a config.c whose level became a long long; the patch only
 * declares config, so it would bind to the program's 8 bytes. */
#include <stdio.h>
struct config { int port; long long level; };
extern struct config config;

void apply_config(void)
{
  printf("config %d %lld\n", config.port, config.level);
}
