/*
 * Compute-bound benchmark kernel: integer work that stays in registers.
 * Two phases: a multiply/xor-shift hash chain (long straight-line blocks,
 * latency bound) and Collatz orbit lengths (short blocks ending in
 * data-dependent branches, where a translator's block dispatch shows).
 * No memory traffic beyond the stack.
 *
 * usage: compute ROUNDS [both|hash|collatz]
 *   each round runs 2^20 hash steps and/or 2^13 orbits; orbit starts stay
 *   below 2^17, so no orbit value overflows 32 bits.
 * prints: checksum <hex>
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static uint32_t hash_chain(uint32_t x, uint32_t steps)
{
    for (uint32_t i = 0; i < steps; i++) {
        x ^= x >> 15;
        x *= 0x2c1b3c6dU;
        x ^= x >> 12;
        x *= 0x297a2d39U;
        x += i;
    }
    return x;
}

static uint32_t collatz_lengths(uint32_t first, uint32_t count)
{
    uint32_t total = 0;
    for (uint32_t n = first; n < first + count; n++) {
        uint32_t v = n, len = 0;
        while (v != 1) {
            v = (v & 1) ? 3 * v + 1 : v >> 1;
            len++;
        }
        total = total * 31 + len;
    }
    return total;
}

int main(int argc, char **argv)
{
    const char *phase = argc == 3 ? argv[2] : "both";
    int hash = strcmp(phase, "hash") == 0 || strcmp(phase, "both") == 0;
    int collatz = strcmp(phase, "collatz") == 0 || strcmp(phase, "both") == 0;
    if ((argc != 2 && argc != 3) || (!hash && !collatz)) {
        fprintf(stderr, "usage: %s ROUNDS [both|hash|collatz]\n", argv[0]);
        return 2;
    }
    uint32_t rounds = (uint32_t)strtoul(argv[1], NULL, 10);
    uint32_t sum = 0x9e3779b9U;
    for (uint32_t r = 0; r < rounds; r++) {
        if (hash)
            sum = hash_chain(sum, 1U << 20);
        if (collatz)
            sum ^= collatz_lengths(1 + (r % 16) * 8192, 8192);
    }
    printf("checksum %08x\n", sum);
    return 0;
}
