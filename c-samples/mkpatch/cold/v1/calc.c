#include <stdio.h>

__attribute__((cold)) void note(const char *what, int x)
{
    fprintf(stderr, "%s %d\n", what, x);
}

__attribute__((noinline)) int check(int x)
{
    int s = 0;

    if (x < 0) {
        note("negative", x);
        note("clamped", 0);
        x = -x;
    }
    for (int i = 0; i < x; i++)
        s += i * 7;
    return s;
}

int compute_a(int x)
{
    return check(x);
}

int compute_b(int x)
{
    return x - 2;
}

int compute_c(int x)
{
    return x + 7;
}
