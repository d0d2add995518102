/* Which program the patch is for, and what it becomes: httpd v1 -> v2. */
#include "dsu.h"

DSU_TARGET("httpd-v1");
DSU_VERSION("httpd-v2");
