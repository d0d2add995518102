/* main.c as a patch (without main, which is always running): report_opened
 * changes, and opened is defined again, so it would get new storage. */
#include <stdio.h>

__attribute__((used)) static int opened;  /* kept and not folded: its value comes from the program */

__attribute__((used, noinline)) static void report_opened(void)
{
  printf("opened %d (v2)\n", opened);
}
