struct item {
    int w;
    int h;
    const char *name;
};

static struct item items[4] = { { 1, 2, "a" }, { 3, 4, "b" }, { 5, 6, "c" }, { 7, 8, "d" } };

static __attribute__((noinline)) int weigh(const struct item *it, int factor)
{
    int s = 0;

    for (int i = 0; i < it->w; i++)
        s += factor * i;
    return s;
}

int compute_a(int x)
{
    return weigh(&items[x & 3], 3) + x;
}

int compute_b(int x)
{
    return weigh(&items[(x + 1) & 3], 3) - x;
}

int compute_c(int x)
{
    return x + 7;
}
