struct totals {
    int count;
    int max;            /* new in v2 */
    long long sum;
};

struct totals totals;

int compute_a(int x)
{
    totals.count++;
    totals.sum += x;
    if (x > totals.max)
        totals.max = x;
    return totals.count;
}

int compute_b(int x)
{
    return (int)totals.sum - x;
}

int compute_c(int x)
{
    return x + totals.max;
}
