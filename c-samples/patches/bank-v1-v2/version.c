#include "dsu.h"
#include "bank.h"

DSU_TARGET("bank-v1");
DSU_VERSION("bank-v2");

int dsu_transfer(void)
{
    bank_version = "v2";
    return 0;
}

int dsu_rollback(void)
{
    bank_version = "v1";
    return 0;
}
