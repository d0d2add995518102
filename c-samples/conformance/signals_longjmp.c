/* Leaving a handler with siglongjmp (mask restored) and longjmp (mask
 * kept), repeatedly, from handlers for raised and CPU-generated signals. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static sigjmp_buf env;
static jmp_buf plain;
static volatile int where;

static void jump_out(int sig) { siglongjmp(env, sig); }
static void jump_plain(int sig) { longjmp(plain, sig); }

static void raise_hup(int sig) { (void)sig; raise(SIGHUP); }

static int blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_SETMASK, NULL, &cur);
    return sigismember(&cur, sig);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    signal(SIGUSR1, jump_out);
    for (int i = 0; i < 3; i++) {
        int r = sigsetjmp(env, 1);
        if (r == 0) {
            where = i;
            raise(SIGUSR1);
            printf("not reached\n");
        } else {
            printf("round %d: back from handler with %d, USR1 blocked %d\n", where, r, blocked(SIGUSR1));
        }
    }

    /* sigsetjmp without saving the mask: the handler's mask stays */
    int r = sigsetjmp(env, 0);
    if (r == 0) {
        raise(SIGUSR1);
    } else {
        printf("no mask saved: back with %d, USR1 blocked %d\n", r, blocked(SIGUSR1));
        sigset_t s;
        sigemptyset(&s);
        sigprocmask(SIG_SETMASK, &s, NULL);
    }

    /* _setjmp/_longjmp never touch the mask */
    signal(SIGUSR2, jump_plain);
    r = _setjmp(plain);
    if (r == 0) {
        raise(SIGUSR2);
    } else {
        printf("longjmp: back with %d, USR2 blocked %d\n", r, blocked(SIGUSR2));
    }

    /* out of a handler that interrupted another handler: both frames are left at once */
    signal(SIGHUP, jump_out);
    signal(SIGUSR1, (void (*)(int))raise_hup);
    r = sigsetjmp(env, 1);
    if (r == 0) raise(SIGUSR1);
    printf("out of nested handlers: %d, blocked HUP %d USR1 %d USR2 %d\n", r, blocked(SIGHUP), blocked(SIGUSR1),
           blocked(SIGUSR2));
    return 0;
}
