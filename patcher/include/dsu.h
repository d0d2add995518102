/*
 * dsu.h - writing live patches for dsu-x86.
 *
 * A patch is a shared object built with `gcc -m32 -fPIC -shared` from the new
 * versions of the changed source files. Every function it defines under the
 * name of a function of the running program replaces that function (a
 * file-local static is matched with the static of the same name in the same
 * source file); other functions are simply added. Symbols the patch only
 * declares bind to the running program: its globals, its file-local statics
 * (when the name is unambiguous), then its libraries.
 *
 * Data: a global the patch defines that the program already has keeps the
 * program's storage (like ELF interposition), so old and new code share it.
 * A static the patch defines gets new storage; dsu copies the old value into
 * it when the sizes match, before dsu_transfer() runs. To reach the running
 * program's own version of something the patch redefines, declare it with
 * DSU_OLD or DSU_OLD_STATIC.
 */
#ifndef DSU_H
#define DSU_H

/* extern int old_count DSU_OLD(count);  -- the program's global `count` */
#define DSU_OLD(name) __asm__("dsu.old." #name)

/* extern struct table old_table DSU_OLD_STATIC("store.c", table);
 * -- the static `table` of the program's source file store.c */
/* (quoted for the assembler: the name contains a colon) */
#define DSU_OLD_STATIC(file, name) __asm__("\"dsu.old." file ":" #name "\"")

/*
 * Optional, defined by a patch: runs once inside the program when the update
 * happens, after the patch is linked and before its code is live. Return 0 to
 * commit the update; any other value (or a crash) undoes it completely.
 */
int dsu_transfer(void);

/* Optional: runs inside the program when the patch is rolled back, before the
 * previous code is live again (e.g. to convert data back to the old layout). */
int dsu_rollback(void);

#define DSU_CONCAT_(a, b) a##b
#define DSU_CONCAT(a, b) DSU_CONCAT_(a, b)

/* The update must also wait until FUNCTION is not running (e.g. a function
 * whose behaviour the patch's state transfer assumes is idle). */
#define DSU_DEPENDS(function) \
    static const char DSU_CONCAT(dsu_depends_, __LINE__)[] \
    __attribute__((section(".dsu.depends"), used)) = function

/* Refuse the patch unless the running program is this version: the version
 * the newest applied patch named with DSU_VERSION, or, when none did, the
 * executable's base name (e.g. DSU_TARGET("kvstore-v1")) or GNU build ID (hex). */
#define DSU_TARGET(name_or_build_id) \
    static const char dsu_target[] __attribute__((section(".dsu.target"), used)) = name_or_build_id

/* Name the version the program becomes once this patch is applied (e.g.
 * DSU_VERSION("kvstore-v2")): later patches may then DSU_TARGET it. Until a
 * patch names one, the version is the executable's base name. */
#define DSU_VERSION(name) \
    static const char dsu_version[] __attribute__((section(".dsu.version"), used)) = name

/*
 * For programs: an update point. With `dsu run --update-points`, patches are
 * applied only while the program is inside this call (the "invoke" model).
 * A no-op when the program is not run under dsu. (Patches are built with
 * -DDSU_PATCH so that they only declare it.)
 */
#ifndef DSU_PATCH
__attribute__((weak, noinline)) void dsu_update_point(void)
{
    __asm__ volatile("" ::: "memory");
}
#else
void dsu_update_point(void);
#endif

#endif
