/* The callee of the indirection benchmark, in a shared object of its own so
 * the executable reaches it through its PLT (lib_step_plt) or through a
 * GOT-loaded pointer (lib_step_got, declared noplt at the call site). The
 * body is the same as step_direct's in indirection.c. */
unsigned lib_step_plt(unsigned x)
{
    return x * 1103515245u + 12345u;
}

unsigned lib_step_got(unsigned x)
{
    return x * 1103515245u + 12345u;
}
