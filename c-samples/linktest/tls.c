/* Thread-local storage, which the linker refuses by relocation name. */
__thread int tls_counter;

int tls_bump(void) { return ++tls_counter; }
