/* main.c as a patch: report_opened changes; opened is declared, so old and
 * new code share the program's static. */
#include <stdio.h>

extern int opened;

__attribute__((used, noinline)) static void report_opened(void)
{
  printf("opened %d\n", opened);
}
