/* calc.c v2: scale takes a long long, and both its callers come along. */
int scale(long long x)
{
  return (int)(x * 3);
}

int compute(int x)
{
  return scale(x) + 1;
}

int compute_twice(int x)
{
  return scale(scale(x));
}
