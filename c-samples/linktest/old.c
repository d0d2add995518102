/*
 * Names addressed to the running program's old version (dsu.old.NAME and
 * dsu.old.FILE:NAME, see docs/LINKING.md) and a static of the program bound
 * by its plain name. Only dsu can link it: ld.so knows no such names.
 */
#define OLD(name) __asm__("\"dsu.old." name "\"")

extern int old_hits OLD("hits");
extern int old_counter_a OLD("host-a.c:counter");
extern int old_counter_b OLD("host-b.c:counter");
extern int old_value OLD("host_value");
extern int old_calls OLD("calls.0");
int old_bump_hits(void) OLD("bump_hits");
int old_b_tick(void) OLD("b_tick");
extern int hits;
/* not in the executable: libc's, by its default version (no version asked) */
void *old_fopen(void) OLD("fopen");

int *old_refs[] = {&old_hits, &old_counter_a, &old_counter_b, &old_value, &old_calls, &hits};
void *(*old_fopen_ref)(void) = old_fopen;

int old_sum(void) { return old_hits + old_counter_a + old_counter_b + old_value + old_calls + hits; }

int old_call(void) { return old_bump_hits() + old_b_tick(); }
