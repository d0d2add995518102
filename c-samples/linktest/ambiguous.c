/* Refers to `counter`, a static that host-a.c and host-b.c both define. */
#define OLD(name) __asm__("\"dsu.old." name "\"")

extern int counter;
extern int old_counter OLD("counter");

int ambiguous_sum(void) { return counter + old_counter; }
