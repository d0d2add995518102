/* With the argument "maps", first copies /proc/self/maps to stdout.
 * Prints "ready" through puts, then waits for a line on stdin before calling
 * rand() for the first time, so while it waits the GOT slot of puts is bound
 * and the slot of rand is still lazy (unless linked with -z now: see the
 * got_wait.now rule in the Makefile). test/got-live inspects it through
 * `dsu modules` and `dsu got --control`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "maps") == 0) {
        FILE *maps = fopen("/proc/self/maps", "r");
        char buf[512];
        while (maps && fgets(buf, sizeof buf, maps))
            fputs(buf, stdout);
        if (maps)
            fclose(maps);
    }
    puts("ready");
    fflush(stdout);
    char line[64];
    ssize_t n = read(0, line, sizeof line);
    srand((unsigned)(n > 0 ? n : 1));
    printf("rand %d\n", rand() % 100);
    return 0;
}
