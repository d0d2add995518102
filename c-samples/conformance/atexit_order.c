/* Process exit by returning from main: atexit and on_exit handlers run in
 * reverse order of registration, a handler may register another one (which
 * then runs next), on_exit handlers receive the exit status and their
 * argument, and stdio buffers are flushed after the handlers have run. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

static int order;

static void h1(void) { printf("atexit h1 (registered 1st) runs #%d\n", ++order); }
static void h2(void) { printf("atexit h2 (registered 2nd) runs #%d\n", ++order); }
static void late(void) { printf("late handler registered by h3 runs #%d\n", ++order); }
static void h3(void)
{
    printf("atexit h3 (registered 3rd) runs #%d and registers another\n", ++order);
    atexit(late);
}
static void onx(int status, void *arg) { printf("on_exit(%s) sees status %d, runs #%d\n", (const char *)arg, status, ++order); }

static void many(void)
{
    static int calls;
    calls++;
    if (calls == 40)
        printf("the 40th copy of the same handler ran, #%d\n", ++order);
}

int main(void)
{
    atexit(h1);
    on_exit(onx, "first on_exit");
    atexit(h2);
    for (int i = 0; i < 40; i++)
        atexit(many); /* more than one block of 32 entries */
    atexit(h3);
    on_exit(onx, "last on_exit");
    printf("main returns 23; this line stays buffered until exit\n");
    fprintf(stderr, "stderr from main\n");
    return 23;
}
