/* The new apply_fee alone, kept by __attribute__((used)): gcc then gives it
 * the standard convention (argument on the stack), while the program's
 * callers pass it in a register. */
extern long fee_total;

__attribute__((used)) static long apply_fee(long amount)
{
    long fee = amount / 50;
    fee_total += fee;
    return amount - fee;
}
