#include <stdio.h>
#include <string.h>

static char buf[64];

int compute_a(int x)
{
    snprintf(buf, sizeof buf, "alpha %d", x);
    return (int)strlen(buf);
}

int compute_b(int x)
{
    snprintf(buf, sizeof buf, "beta %d and more", x);
    return (int)strlen(buf) - x;
}

int compute_c(int x)
{
    return x + (int)strlen("gamma");
}
