/* Turns the feature on: replaces a 3-byte stub (the jump uses its padding). */
#include "dsu.h"

DSU_TARGET("feature-v1");

int feature_enabled(void)
{
    return 1;
}
