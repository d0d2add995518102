/* The new apply_fee alone, declared with the convention gcc gave the
 * program's copy (argument in a register). */
extern long fee_total;

__attribute__((used, regparm(3))) static long apply_fee(long amount)
{
    long fee = amount / 50;
    fee_total += fee;
    return amount - fee;
}
