/* Instruction families a CPU conformance program may test, read from the
 * CPUID the program sees. The test harness runs cpuid_probe natively and
 * under dsu and gives each program the families both advertise; a program
 * asked for a family its CPUID lacks says so and fails, so a difference in
 * what is advertised cannot pass unnoticed. */
#ifndef CPU_FEATURES_H
#define CPU_FEATURES_H
#include <cpuid.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct family {
    const char *name;
    unsigned leaf, sub;
    char reg; /* 'b', 'c' or 'd' */
    unsigned bit;
};

static const struct family FAMILIES[] = {
    {"mmx", 1, 0, 'd', 23},       {"sse", 1, 0, 'd', 25},         {"sse2", 1, 0, 'd', 26},
    {"sse3", 1, 0, 'c', 0},       {"pclmul", 1, 0, 'c', 1},       {"ssse3", 1, 0, 'c', 9},
    {"sse4.1", 1, 0, 'c', 19},    {"sse4.2", 1, 0, 'c', 20},      {"movbe", 1, 0, 'c', 22},
    {"popcnt", 1, 0, 'c', 23},    {"aes", 1, 0, 'c', 25},         {"xsave", 1, 0, 'c', 27 /* OSXSAVE */},
    {"bmi1", 7, 0, 'b', 3},       {"bmi2", 7, 0, 'b', 8},         {"adx", 7, 0, 'b', 19},
    {"lzcnt", 0x80000001, 0, 'c', 5}, {"rdtscp", 0x80000001, 0, 'd', 27},
};
#define NFAMILIES (sizeof FAMILIES / sizeof *FAMILIES)

static int cpu_has(const struct family *f)
{
    unsigned a, b, c, d;
    unsigned max = __get_cpuid_max(f->leaf & 0x80000000, 0);
    if (max < f->leaf) return 0;
    __cpuid_count(f->leaf, f->sub, a, b, c, d);
    unsigned r = f->reg == 'b' ? b : f->reg == 'c' ? c : d;
    return (r >> f->bit) & 1;
}

static int has_family(const char *name)
{
    for (unsigned i = 0; i < NFAMILIES; i++)
        if (strcmp(FAMILIES[i].name, name) == 0) return cpu_has(&FAMILIES[i]);
    return 0;
}

/* The families named on the command line, each checked against CPUID. */
__attribute__((unused)) static int wanted(int argc, char **argv, const char *name)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], name) != 0) continue;
        if (!has_family(name)) {
            fprintf(stderr, "%s: asked for %s, which this CPU's CPUID does not advertise\n", argv[0], name);
            exit(3);
        }
        return 1;
    }
    return 0;
}
#endif
