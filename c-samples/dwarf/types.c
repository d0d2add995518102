/* Types and variables for the DWARF reader's tests (test/diff/dwarf-*.test.ts):
 * every kind of type gcc emits for C, statics of the same name in two
 * files, a function-local static, inlining into main, a variadic function. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "types.h"

struct conn {
  int fd;
  char name[16];
  unsigned flags : 3;
  unsigned mode : 5;
  struct conn *next;
  double started;
  union { int as_int; float as_float; } u;
  struct { short x, y; } pos;
};
typedef struct conn conn_t;

enum state { IDLE, READING = 5, WRITING, CLOSED = -1 };

static int counter;                 /* also in types-b.c */
int grid[3][4];
const volatile int tick = 3;
int (*handler)(int, long long);
enum state current = READING;
struct opaque *opaque_ptr;
char *const names[2] = { "a", "b" };
conn_t *connections;
long double precise = 1.5L;
_Bool ready;
unsigned long long big = 1ULL << 40;

static conn_t *new_conn(int fd, const char *name) {
  conn_t *c = calloc(1, sizeof *c);
  c->fd = fd;
  strncpy(c->name, name, sizeof c->name - 1);
  c->flags = 1;
  c->next = connections;
  connections = c;
  counter++;
  return c;
}

int log_line(const char *fmt, ...) {
  static int lines;
  va_list ap;
  va_start(ap, fmt);
  int n = vprintf(fmt, ap);
  va_end(ap);
  return n + ++lines;
}

static int twice(int x, long long y) { return (int)(x * 2 + y); }

int main(int argc, char **argv) {
  handler = argc > 5 ? twice : 0;
  conn_t *c = new_conn(argc, argv[0]);
  grid[1][2] = c->fd + other_count();
  log_line("%d %d %d\n", counter, grid[1][2], (int)current);
  return handler ? handler(1, 2) : 0;
}
