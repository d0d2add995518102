#include <stdio.h>
#include <string.h>

/*
 * The same three functions as v1, in another order and with comments: the
 * compiler numbers the string labels differently, and nothing changed.
 */

static char buf[64];

/* c: a constant offset */
int compute_c(int x)
{
    return x + (int)strlen("gamma");
}

/* b: formats a longer string */
int compute_b(int x)
{
    snprintf(buf, sizeof buf, "beta %d and more", x);
    return (int)strlen(buf) - x;
}

/* a: formats a short string */
int compute_a(int x)
{
    snprintf(buf, sizeof buf, "alpha %d", x);
    return (int)strlen(buf);
}
