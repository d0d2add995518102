int compute_a(int x)
{
    return x * 2;
}

int compute_b(int x)
{
    return x - 2;
}

/* New in v2: results are kept within [0, 100]. */
static __attribute__((noinline)) int clamp(int v)
{
    return v < 0 ? 0 : v > 100 ? 100 : v;
}

int compute_c(int x)
{
    return clamp(x + 7);
}
