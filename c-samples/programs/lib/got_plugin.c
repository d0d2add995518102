/* A small shared object for dlopen_wait: its call to puts goes through its
 * own PLT, so the module model shows its GOT slots bound into libc. */
#include <stdio.h>

static int greeted;

int plugin_greet(const char *who)
{
    greeted++;
    return printf("hello from %s (%d)\n", who, greeted);
}
