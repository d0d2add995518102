/* limit_of of a config.c whose limits grew to 8 entries, declared only. */
extern int limits[8];

int limit_of(int i)
{
  return i >= 0 && i < 8 ? limits[i] : -1;
}
