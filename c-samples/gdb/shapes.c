/* A program for gdb to look into (test/integration/gdb.test.ts): a struct
 * on main's stack, a global changed in two places, a call into libc. */
#include <stdio.h>

struct shape {
  int width;
  int height;
  const char *name;
};

int area_total;

static int area(const struct shape *s) {
  return s->width * s->height;
}

int main(void) {
  struct shape box = { 3, 4, "box" };
  area_total = area(&box);
  puts(box.name);
  area_total += 1;
  printf("%d\n", area_total);
  return area_total == 13 ? 0 : 1;
}
