/* Heap stress: tens of thousands of malloc/calloc/realloc/free calls of
 * pseudo-random sizes (a fixed-seed xorshift, so every run is identical),
 * each block filled with a pattern derived from its slot and checked before
 * it is freed or resized. Exercises brk growth and shrinking, tcache, fastbins,
 * consolidation and the occasional mmapped chunk. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 2048
#define ROUNDS 40000

static uint32_t state = 2463534242u;

static uint32_t next(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

struct slot {
    unsigned char *p;
    size_t size;
    uint32_t seed;
};

static struct slot slots[SLOTS];

static void fill(struct slot *s)
{
    uint32_t x = s->seed;
    for (size_t i = 0; i < s->size; i++) {
        x = x * 1103515245u + 12345u;
        s->p[i] = (unsigned char)(x >> 16);
    }
}

static size_t verify(const struct slot *s, size_t upto)
{
    uint32_t x = s->seed;
    for (size_t i = 0; i < upto; i++) {
        x = x * 1103515245u + 12345u;
        if (s->p[i] != (unsigned char)(x >> 16))
            return i + 1;
    }
    return 0;
}

static size_t random_size(void)
{
    uint32_t r = next();
    switch (r % 16) {
    case 0: return 0;
    case 1: case 2: case 3: case 4: case 5: return 1 + (r >> 8) % 24;
    case 6: case 7: case 8: return 1 + (r >> 8) % 256;
    case 9: case 10: return 1 + (r >> 8) % 2048;
    case 11: return 1 + (r >> 8) % 16384;
    case 12: return 1 + (r >> 8) % 20000;
    case 13: /* now and then up to 300 KB: above the mmap threshold */
        return (r >> 8) % 8 == 0 ? 1000 * (1 + (r >> 11) % 300) : 1 + (r >> 8) % 4096;
    default: return 32 + (r >> 8) % 96;
    }
}

int main(void)
{
    unsigned long mallocs = 0, callocs = 0, reallocs = 0, frees = 0, errors = 0;
    unsigned long long bytes = 0;
    for (int round = 0; round < ROUNDS; round++) {
        struct slot *s = &slots[next() % SLOTS];
        uint32_t op = next() % 10;
        if (s->p && s->size) {
            size_t bad = verify(s, s->size);
            if (bad) {
                errors++;
                printf("round %d: corrupt block of %zu bytes at offset %zu\n", round, s->size, bad - 1);
            }
        }
        if (op < 3 && s->p) {
            free(s->p);
            s->p = NULL;
            frees++;
        } else if (op < 5 && s->p) {
            size_t old = s->size, size = random_size();
            unsigned char *q = realloc(s->p, size ? size : 1);
            if (!q) {
                printf("realloc failed\n");
                return 1;
            }
            s->p = q;
            size_t keep = old < size ? old : size;
            struct slot probe = *s;
            if (verify(&probe, keep)) {
                errors++;
                printf("round %d: realloc %zu->%zu lost contents\n", round, old, size);
            }
            s->size = size;
            s->seed = next();
            fill(s);
            reallocs++;
            bytes += size;
        } else {
            free(s->p);
            size_t size = random_size();
            if (op == 9) {
                size_t n = 1 + size / 8;
                s->p = calloc(n, 8);
                size = n * 8;
                for (size_t i = 0; s->p && i < size; i++)
                    if (s->p[i]) {
                        errors++;
                        printf("round %d: calloc(%zu, 8) not zeroed at %zu\n", round, n, i);
                        break;
                    }
                callocs++;
            } else {
                s->p = malloc(size);
                mallocs++;
            }
            if (!s->p) {
                printf("allocation of %zu failed\n", size);
                return 1;
            }
            if (malloc_usable_size(s->p) < size) {
                errors++;
                printf("usable size %zu < %zu\n", malloc_usable_size(s->p), size);
            }
            if (((uintptr_t)s->p & 7) != 0) {
                errors++;
                printf("misaligned block\n");
            }
            s->size = size;
            s->seed = next();
            fill(s);
            bytes += size;
        }
    }
    unsigned long live = 0;
    unsigned long long live_bytes = 0;
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p) {
            if (verify(&slots[i], slots[i].size))
                errors++;
            live++;
            live_bytes += slots[i].size;
            free(slots[i].p);
        }
    }
    printf("malloc %lu calloc %lu realloc %lu free %lu bytes %llu\n", mallocs, callocs, reallocs, frees, bytes);
    printf("live at end %lu blocks, %llu bytes\n", live, live_bytes);
    printf("final state %08x errors %lu\n", next(), errors);
    return errors != 0;
}
