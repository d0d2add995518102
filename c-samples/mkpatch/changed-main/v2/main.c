#include <stdio.h>
#include <stdlib.h>

int compute_a(int x);
int compute_b(int x);
int compute_c(int x);

int main(void)
{
    char line[128];

    setvbuf(stdout, NULL, _IOLBF, 0);
    puts("ready"); puts("counting");
    while (fgets(line, sizeof line, stdin) != NULL) {
        int x = atoi(line);
        printf("a=%d b=%d c=%d sum=%d\n", compute_a(x), compute_b(x), compute_c(x), compute_a(x) + compute_b(x));
    }
    return 0;
}
