#include "typecheck.h"

__attribute__((noinline)) int scale(int x)
{
  return x * 3;
}

__attribute__((noinline)) int compute(int x)
{
  return scale(x) + 1;
}

__attribute__((noinline)) int compute_twice(int x)
{
  return scale(scale(x));
}
