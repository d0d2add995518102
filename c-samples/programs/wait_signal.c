/* Waits in pause() for a signal another process sends (test/signals-host):
 *   wait_signal handler   SIGTERM runs a handler, which makes main exit 42
 *   wait_signal default   no handler: SIGTERM's default action ends it
 *   wait_signal ignore    SIGTERM and SIGINT ignored; SIGUSR1 ends the wait
 *   wait_signal winch     a terminal resize (SIGWINCH) ends the wait
 * "ready" on stdout says the signal dispositions are in place. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void on_signal(int sig)
{
    got = sig;
    static const char msg[] = "handler ran\n";
    write(1, msg, sizeof msg - 1);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "handler";
    setvbuf(stdout, NULL, _IONBF, 0);
    if (strcmp(mode, "handler") == 0) {
        signal(SIGTERM, on_signal);
    } else if (strcmp(mode, "ignore") == 0) {
        signal(SIGTERM, SIG_IGN);
        signal(SIGINT, SIG_IGN);
        signal(SIGUSR1, on_signal);
    } else if (strcmp(mode, "winch") == 0) {
        signal(SIGWINCH, on_signal);
    }
    printf("ready\n");
    while (!got) pause();
    printf("woken by signal %d\n", got);
    return strcmp(mode, "handler") == 0 ? 42 : 0;
}
