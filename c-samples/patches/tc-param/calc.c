/* scale takes a long long now; its callers are not in the patch. */
int scale(long long x)
{
  return (int)(x * 3);
}
