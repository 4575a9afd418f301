// The helper ignores its environment entirely, but the Swift runtime does not: it reads
// SWIFT_* variables (SWIFT_DEBUG_HELP, SWIFT_BACKTRACE, SWIFT_DETERMINISTIC_HASHING, ...)
// even in a setuid or file-capability process, where the caller controls them. A
// constructor of the highest priority runs before the runtime's own initialisers (and
// before main), and replaces the environment for good. glibc has by then already handled
// its own variables the AT_SECURE way. Linked into the helper only, never into tests.
//
// glibc passes every constructor (argc, argv, envp), so the same constructor records
// argv for main: no /proc/self/maps, no file descriptor needed.
#define _GNU_SOURCE
#include "CHelperStartup.h"

#include <stddef.h>
#include <unistd.h>

static int cleared = 0;
static int startup_argc = 0;
static char **startup_argv = NULL;

// What the environment holds after the constructor: one constant setting of ours, never the
// caller's. The runtime's backtracer is off in a privileged process anyway; saying so, with an
// (unused) backtracer path and no terminal, saves its start-up work: a readlink of
// /proc/self/exe, nine stat calls looking for swift-backtrace, and isatty probes.
static char runtime_setting[] = "SWIFT_BACKTRACE=enable=no,interactive=no,color=no,swift-backtrace=";

// The list is ended in place: clearenv() would leave environ NULL (the runtime walks it).
// Our one entry reuses the caller's first slot, so it is there only if the caller passed
// at least one variable; an empty environment stays empty (the runtime then just does the
// work above).
__attribute__((constructor(101))) static void sbh_clear_environment(int argc, char **argv, char **envp) {
    (void)envp;
    startup_argc = argv != NULL ? argc : 0;
    startup_argv = argv;
    if (environ != NULL && environ[0] != NULL) {
        environ[0] = runtime_setting;
        environ[1] = NULL;
    }
    cleared = 1;
}

int sbh_environment_was_cleared(void) { return cleared; }
int sbh_startup_argc(void) { return startup_argc; }
char *const *sbh_startup_argv(void) { return startup_argv; }

// The Swift runtime's CommandLine support (CommandLine.cpp in libswiftCore.a) consists of
// exactly these two functions plus a static initialiser that, in every process, reads
// /proc/self/maps to find argv behind environ: five system calls and a sscanf per mapping,
// and no argv at all when the caller left no free file descriptor. Defining both here keeps
// that archive member, and its initialiser, out of the link; CommandLine then answers from
// the argv the constructor recorded. Should a future runtime add a symbol to that member and
// need it, the link fails with a duplicate definition; should it rename these two, the member
// (and its /proc read) simply comes back: slower, never different.
static char **override_argv = NULL;
static int override_argc = 0;
static char *empty_argv[] = {NULL};

__attribute__((swiftcall)) void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
    override_argv = argv;
    override_argc = argc;
}

__attribute__((swiftcall)) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    if (override_argv != NULL) {
        *outArgLen = override_argc;
        return override_argv;
    }
    if (startup_argv == NULL) {
        *outArgLen = 0;
        return empty_argv;
    }
    *outArgLen = startup_argc;
    return startup_argv;
}
