static int calls;      /* new in v2 */
int last_a = -1;       /* new in v2 */

int compute_a(int x)
{
    calls++;
    last_a = x * 2;
    return last_a;
}

int compute_b(int x)
{
    return x - 2;
}

int compute_c(int x)
{
    return x + 7 + calls * 1000;
}
