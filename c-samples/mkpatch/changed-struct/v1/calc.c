struct totals {
    int count;
    long long sum;
};

struct totals totals;

int compute_a(int x)
{
    totals.count++;
    totals.sum += x;
    return totals.count;
}

int compute_b(int x)
{
    return (int)totals.sum - x;
}

int compute_c(int x)
{
    return x + 7;
}
