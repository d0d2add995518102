/* The other file with a static `counter` (see host-a.c). */
static int counter = 200;

int b_tick(void) { return counter += 2; }
