#include <stdio.h>
#include "typecheck.h"

struct conn *conns;

__attribute__((noinline)) void show_conns(void)
{
  printf("conns");
  for (struct conn *c = conns; c; c = c->next) printf(" %d:%s", c->fd, c->name);
  printf("\n");
}
