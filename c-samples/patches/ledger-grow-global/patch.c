/* accounts grows from 4 to 8 entries: the patch's array gets new storage
 * (sharing the program's 16 bytes would overwrite what follows it) and
 * dsu_transfer copies the old entries over. */
#include <string.h>
#include "dsu.h"

int accounts[8];
extern int old_accounts[4] DSU_OLD(accounts);

int account_set(int i, int v)
{
    if (i < 0 || i >= 8) return -1;
    accounts[i] = v;
    return 0;
}

int account_get(int i)
{
    return i >= 0 && i < 8 ? accounts[i] : -1;
}

int dsu_transfer(void)
{
    memcpy(accounts, old_accounts, sizeof old_accounts);
    return 0;
}
