/* Which program the patch is for, and what it becomes: mtkv v1 -> v2. */
#include "dsu.h"

DSU_TARGET("mtkv-v1");
DSU_VERSION("mtkv-v2");
