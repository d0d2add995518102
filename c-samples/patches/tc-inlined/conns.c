/* conns.c with a struct conn that gained `state` after fd; main's inlined
 * new_conn still allocates and fills the old layout. */
#include <stdio.h>
struct conn { int fd; int state; char name[12]; struct conn *next; };
struct conn *conns;

void show_conns(void)
{
  printf("conns");
  for (struct conn *c = conns; c; c = c->next) printf(" %d:%s/%d", c->fd, c->name, c->state);
  printf("\n");
}
