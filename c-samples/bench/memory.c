/*
 * Memory-heavy benchmark kernel: an integer matrix multiply (N x N, the
 * second matrix walked by columns, so loads stride across pages) followed
 * by a sieve of Eratosthenes over a byte array of several MB (stores
 * scattered over the whole array). Both allocations come from malloc, so
 * they are fresh anonymous mappings.
 *
 * usage: memory N SIEVE_MB
 * prints: checksum <hex>
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

static uint32_t matmul(uint32_t n)
{
    uint32_t *a = malloc(sizeof(uint32_t) * n * n);
    uint32_t *b = malloc(sizeof(uint32_t) * n * n);
    uint32_t *c = malloc(sizeof(uint32_t) * n * n);
    if (!a || !b || !c) {
        perror("malloc");
        exit(1);
    }
    for (uint32_t i = 0; i < n * n; i++) {
        a[i] = i * 2654435761U >> 7;
        b[i] = i ^ (i >> 3);
    }
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = 0; j < n; j++) {
            uint32_t s = 0;
            for (uint32_t k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
    uint32_t sum = 0;
    for (uint32_t i = 0; i < n * n; i++)
        sum = sum * 33 + c[i];
    free(a);
    free(b);
    free(c);
    return sum;
}

static uint32_t sieve(uint32_t bytes)
{
    uint8_t *composite = malloc(bytes);
    if (!composite) {
        perror("malloc");
        exit(1);
    }
    memset(composite, 0, bytes);
    uint32_t primes = 0, last = 0;
    for (uint32_t i = 2; i < bytes; i++) {
        if (composite[i])
            continue;
        primes++;
        last = i;
        for (uint64_t j = (uint64_t)i * i; j < bytes; j += i)
            composite[j] = 1;
    }
    free(composite);
    return primes * 2654435761U ^ last;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s N SIEVE_MB\n", argv[0]);
        return 2;
    }
    uint32_t n = (uint32_t)strtoul(argv[1], NULL, 10);
    uint32_t mb = (uint32_t)strtoul(argv[2], NULL, 10);
    uint32_t sum = matmul(n) ^ sieve(mb << 20);
    printf("checksum %08x\n", sum);
    return 0;
}
