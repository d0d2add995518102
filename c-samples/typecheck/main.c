/* typecheck: lines in, one answer line out per line. main allocates
 * connections through new_conn, which gcc inlines into it; opened is a
 * static main reads and writes itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "typecheck.h"

static int opened;

static struct conn *new_conn(int fd, const char *name)
{
  struct conn *c = calloc(1, sizeof *c);
  c->fd = fd;
  memcpy(c->name, name, sizeof c->name);
  c->next = conns;
  conns = c;
  return c;
}

__attribute__((noinline)) static void report_opened(void)
{
  printf("opened %d\n", opened);
}

int main(void)
{
  char line[128], name[12];
  int n;
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("typecheck ready\n");
  while (fgets(line, sizeof line, stdin)) {
    if (sscanf(line, "open %d %11s", &n, name) == 2) {
      new_conn(n, name);
      printf("open %d\n", ++opened);
    } else if (strncmp(line, "show", 4) == 0) show_conns();
    else if (sscanf(line, "stat %d", &n) == 1) { stats_add(n); stats_print(); }
    else if (strncmp(line, "cfg", 3) == 0) apply_config();
    else if (sscanf(line, "calc %d", &n) == 1) printf("calc %d %d\n", compute(n), compute_twice(n));
    else if (sscanf(line, "limit %d", &n) == 1) printf("limit %d\n", limit_of(n));
    else if (strncmp(line, "report", 6) == 0) report_opened();
    else printf("?\n");
  }
  return 0;
}
