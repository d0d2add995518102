/* One of two files with a static `counter` (see host-b.c). */
static int counter = 100;

int a_tick(void) { return ++counter; }
