/* A master and two workers that live until standard input ends: each
   worker reads its share of the lines and counts them, the master waits for
   both. Natively and under dsu alike it prints what the workers counted;
   test/integration/patch-process-tree.test.ts keeps its input open to look
   at the tree while it runs. */
#include <stdlib.h>
#include "say.h"

int main(void)
{
    pid_t workers[2];
    for (int w = 0; w < 2; w++) {
        workers[w] = fork();
        if (workers[w] < 0) return 1;
        if (workers[w] == 0) {
            /* the shared descriptor: each read takes what it finds */
            char buf[256];
            long bytes = 0;
            ssize_t n;
            while ((n = read(0, buf, sizeof buf)) > 0) bytes += n;
            _exit(bytes > 0 ? 1 : 0);
        }
    }
    say("master and 2 workers ready");
    int ended = 0, st;
    for (int w = 0; w < 2; w++)
        if (waitpid(workers[w], &st, 0) == workers[w] && WIFEXITED(st)) ended++;
    say("%d workers ended", ended);
    return 0;
}
