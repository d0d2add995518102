/* Loads the shared object named by argv[1] with dlopen, calls its
 * plugin_greet() (which calls printf through the plugin's own PLT), prints
 * "ready" and waits for a line on stdin; then unloads it with dlclose,
 * prints "unloaded" and waits for stdin to close. test/got-live checks that
 * the object is in the live module model while loaded, and not after. */
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PLUGIN.so\n", argv[0]);
        return 2;
    }
    void *h = dlopen(argv[1], RTLD_NOW);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    int (*greet)(const char *) = (int (*)(const char *))dlsym(h, "plugin_greet");
    if (!greet) {
        fprintf(stderr, "dlsym: %s\n", dlerror());
        return 1;
    }
    greet("plugin");
    puts("ready");
    fflush(stdout);
    char c;
    while (read(0, &c, 1) == 1 && c != '\n')
        ;
    if (dlclose(h) != 0) {
        fprintf(stderr, "dlclose: %s\n", dlerror());
        return 1;
    }
    puts("unloaded");
    fflush(stdout);
    while (read(0, &c, 1) == 1)
        ;
    return 0;
}
