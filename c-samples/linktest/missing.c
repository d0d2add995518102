/* Refers to names the host does not define; maybe_there is weak. */
#define OLD(name) __asm__("\"dsu.old." name "\"")

extern int no_such_data;
int no_such_function(int);
extern int no_such_old OLD("no_such_static");
extern int no_such_in_file OLD("host-a.c:hits");
extern int maybe_there __attribute__((weak));

int missing_sum(void) {
  return no_such_data + no_such_function(1) + no_such_old + no_such_in_file + (&maybe_there ? maybe_there : 0);
}
