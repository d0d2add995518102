/* The instruction families this CPU advertises through CPUID, on one line:
 * the CPU conformance test runs it natively and under dsu and passes the
 * families both have to the other programs. Not compared itself. */
#include "cpu_features.h"

int main(void)
{
    const char *sep = "";
    for (unsigned i = 0; i < NFAMILIES; i++)
        if (cpu_has(&FAMILIES[i])) {
            printf("%s%s", sep, FAMILIES[i].name);
            sep = " ";
        }
    printf("\n");
    return 0;
}
