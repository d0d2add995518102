/* A library of the sysroot probe's own, found only under the sysroot (the
   program's RPATH is /app/lib): test/diff/sysroot.test.ts. */
const char *greet(void) { return "hello from the program's own library"; }
