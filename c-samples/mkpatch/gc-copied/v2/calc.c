/* Nothing calls this in v1: the linker drops it from the program. */
__attribute__((noinline)) int helper(int x)
{
    return x * x + 1;
}

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
    return helper(x) + 7;
}
