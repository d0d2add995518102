/* The process's start-up data: argc/argv (with spaces, empty strings and
 * non-ASCII bytes), the NULL terminator, envp and getenv of variables set
 * for this run, setenv/unsetenv/putenv, and an exit status chosen by the
 * last argument. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static void show_var(const char *name)
{
    const char *v = getenv(name);
    printf("getenv(%s) = %s%s%s\n", name, v ? "\"" : "", v ? v : "(null)", v ? "\"" : "");
}

static int count_env(char **envp, const char *prefix)
{
    int n = 0;
    for (char **e = envp; *e; e++)
        if (strncmp(*e, prefix, strlen(prefix)) == 0)
            n++;
    return n;
}

int main(int argc, char **argv, char **envp)
{
    const char *base = strrchr(argv[0], '/');
    printf("argc = %d, program name = %s\n", argc, base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++) {
        printf("argv[%d] = \"%s\" (%zu bytes:", i, argv[i], strlen(argv[i]));
        for (const unsigned char *p = (const unsigned char *)argv[i]; *p; p++)
            printf(" %02x", *p);
        printf(")\n");
    }
    printf("argv[argc] is %s\n", argv[argc] == NULL ? "NULL" : "not NULL");
    printf("envp == environ: %d\n", envp == environ);

    show_var("DSU_TEST_GREETING");
    show_var("DSU_TEST_EMPTY");
    show_var("DSU_TEST_EQUALS");
    show_var("DSU_TEST_MISSING");
    printf("variables starting with DSU_TEST_: %d\n", count_env(envp, "DSU_TEST_"));

    setenv("DSU_TEST_NEW", "created", 0);
    setenv("DSU_TEST_GREETING", "replaced", 1);
    setenv("DSU_TEST_EMPTY", "not replaced", 0);
    static char putenv_entry[] = "DSU_TEST_PUT=from putenv";
    putenv(putenv_entry);
    unsetenv("DSU_TEST_EQUALS");
    show_var("DSU_TEST_NEW");
    show_var("DSU_TEST_GREETING");
    show_var("DSU_TEST_EMPTY");
    show_var("DSU_TEST_PUT");
    show_var("DSU_TEST_EQUALS");
    printf("variables starting with DSU_TEST_ now: %d\n", count_env(environ, "DSU_TEST_"));
    printf("setenv with '=' in the name: %d\n", setenv("BAD=NAME", "x", 1));

    int status = atoi(argv[argc - 1]);
    printf("exiting with %d\n", status);
    return status;
}
