/* conns.c v2: a note per connection, kept beside struct conn (whose layout
 * main's inlined new_conn depends on) instead of in it. */
#include <stdio.h>
struct conn { int fd; char name[12]; struct conn *next; };
struct conn *conns;
int shown_times;

void show_conns(void)
{
  shown_times++;
  printf("conns");
  for (struct conn *c = conns; c; c = c->next) printf(" %d:%s", c->fd, c->name);
  printf("\n");
}
