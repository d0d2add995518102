/* setjmp/longjmp: jumping back through several frames, nested jump buffers
 * (an inner handler re-throwing to an outer one), volatile locals keeping
 * their latest values across the jump, the value 0 turned into 1, and a
 * small exception mechanism built on top, as C servers do for error paths. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf top;
static int depth_reached;

static int dive(int depth, int limit, int *trail)
{
    char pad[64];
    memset(pad, depth, sizeof pad);
    trail[depth] = depth * depth;
    depth_reached = depth;
    if (depth == limit)
        longjmp(top, depth + 100);
    if (depth > 1000)
        return -1;
    return dive(depth + 1, limit, trail) + pad[depth % 64];
}

/* a try/catch stack */
struct handler {
    jmp_buf env;
    struct handler *prev;
};
static struct handler *handlers;

static void throw_error(int code)
{
    struct handler *h = handlers;
    if (!h) {
        printf("uncaught %d\n", code);
        exit(99);
    }
    handlers = h->prev;
    longjmp(h->env, code);
}

static int parse_digit(char c)
{
    if (c < '0' || c > '9')
        throw_error(1000 + c);
    return c - '0';
}

static long parse_number(const char *s)
{
    long v = 0;
    for (; *s; s++)
        v = v * 10 + parse_digit(*s);
    return v;
}

static void nested(void)
{
    static const char *inputs[] = {"12345", "12x45", "999999", "", "7?", "0042"};
    for (unsigned i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        struct handler outer;
        outer.prev = handlers;
        handlers = &outer;
        volatile int stage = 0;
        int code = setjmp(outer.env);
        if (code == 0) {
            stage = 1;
            struct handler inner;
            inner.prev = handlers;
            handlers = &inner;
            int icode = setjmp(inner.env);
            if (icode == 0) {
                stage = 2;
                long v = parse_number(inputs[i]);
                handlers = inner.prev;
                printf("input \"%s\" -> %ld (stage %d)\n", inputs[i], v, stage);
            } else {
                stage = 3;
                printf("inner caught %d for \"%s\", rethrowing\n", icode, inputs[i]);
                throw_error(icode + 1);
            }
            handlers = outer.prev;
        } else {
            printf("outer caught %d, stage was %d\n", code, stage);
        }
    }
}

static void volatile_locals(void)
{
    jmp_buf env;
    volatile int counter = 0;
    volatile double acc = 1.0;
    volatile long long big = 1;
    int rc = setjmp(env);
    if (counter < 10) {
        counter++;
        acc *= 1.5;
        big *= -3;
        longjmp(env, counter);
    }
    printf("after %d jumps: rc=%d acc=%.6f big=%lld\n", counter, rc, acc, big);
}

static jmp_buf zero_env;
static void jump_zero(void) { longjmp(zero_env, 0); }

int main(void)
{
    int trail[600];
    memset(trail, 0, sizeof trail);
    for (int limit = 1; limit <= 500; limit *= 3) {
        int rc = setjmp(top);
        if (rc == 0) {
            dive(0, limit, trail);
            printf("not reached\n");
        } else {
            long sum = 0;
            for (int i = 0; i <= limit; i++)
                sum += trail[i];
            printf("limit %d: longjmp returned %d, depth %d, trail sum %ld\n", limit, rc, depth_reached, sum);
        }
    }
    nested();
    volatile_locals();
    if (setjmp(zero_env) == 0)
        jump_zero();
    else
        printf("longjmp(env, 0) made setjmp return nonzero\n");
    handlers = NULL;
    throw_error(5);
    return 0;
}
