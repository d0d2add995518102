#include <stdio.h>
#include <stdlib.h>

int compute_a(int x);
int compute_b(int x);
int compute_c(int x);

int main(void)
{
    char line[128];

    setvbuf(stdout, NULL, _IOLBF, 0);
    puts("ready");
    while (fgets(line, sizeof line, stdin) != NULL) {
        int x = atoi(line);
        printf("a=%d b=%d c=%d\n", compute_a(x), compute_b(x), compute_c(x));
    }
    return 0;
}
