/* Which program the patch is for, and what it becomes: kvstore v1 -> v2. */
#include "dsu.h"

DSU_TARGET("kvstore-v1");
DSU_VERSION("kvstore-v2");
