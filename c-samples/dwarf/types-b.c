/* The second file of the DWARF sample: a static named like types.c's. */
#include "types.h"

static int counter = 7;
struct point point_of_b = { 1, 2 };

int other_count(void) {
  return ++counter + point_of_b.x;
}
