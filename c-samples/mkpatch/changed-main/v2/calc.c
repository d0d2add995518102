int compute_a(int x)
{
    return x * 2;
}

int compute_b(int x)
{
    return x - 2;
}

int compute_c(int x)
{
    return x + 8;
}
