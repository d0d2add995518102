/* scale() is small and static: -O2 inlines it into both callers. */
static int scale(int x)
{
    return x * 3;
}

int compute_a(int x)
{
    return scale(x) + 1;
}

int compute_b(int x)
{
    return scale(x) - 1;
}

int compute_c(int x)
{
    return x + 7;
}
