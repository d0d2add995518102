static const int weights[6] = { 1, 2, 3, 40, 5, 6 };
static const int offsets[6] = { 10, 20, 30, 40, 50, 60 };

int compute_a(int x)
{
    return offsets[(unsigned)x % 6] + x;
}

int compute_b(int x)
{
    return weights[(unsigned)x % 6] * x;
}

int compute_c(int x)
{
    return x + 7;
}
