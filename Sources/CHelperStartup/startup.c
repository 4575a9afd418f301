// The helper ignores its environment entirely, but the Swift runtime does not: it reads
// SWIFT_* variables (SWIFT_DEBUG_HELP, SWIFT_BACKTRACE, SWIFT_DETERMINISTIC_HASHING, ...)
// even in a setuid or file-capability process, where the caller controls them. A
// constructor of the highest priority runs before the runtime's own initialisers (and
// before main), and replaces the environment for good. glibc has by then already handled
// its own variables the AT_SECURE way. Linked into the helper only, never into tests.
//
// This only holds in a static build: in a dynamic one, libswiftCore.so's initialisers run
// before any constructor of the executable, so the runtime has read the caller's
// environment already. The constructor then does not claim to have cleared it, and main
// refuses to run.
//
// glibc passes every constructor (argc, argv, envp), so the same constructor records
// argv for main: no file descriptor needed.
#define _GNU_SOURCE
#include "CHelperStartup.h"

#include <stddef.h>
#include <sys/auxv.h>
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
    // AT_BASE is where the kernel mapped a program interpreter (ld.so): 0 for a static build.
    cleared = getauxval(AT_BASE) == 0;
}

int sbh_environment_was_cleared(void) { return cleared; }
int sbh_startup_argc(void) { return startup_argc; }
char *const *sbh_startup_argv(void) { return startup_argv; }
