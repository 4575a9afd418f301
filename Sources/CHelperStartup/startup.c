// The helper ignores its environment entirely, but the Swift runtime does not: it reads
// SWIFT_* variables (SWIFT_DEBUG_HELP, SWIFT_BACKTRACE, SWIFT_DETERMINISTIC_HASHING, ...)
// even in a setuid or file-capability process, where the caller controls them. A
// constructor of the highest priority runs before the runtime's own initialisers (and
// before main), and empties the environment for good. glibc has by then already handled
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
static char *const *startup_argv = NULL;

// The list is ended in place: clearenv() would leave environ NULL (the runtime walks it),
// and another array would break CommandLine, which finds argv just below environ.
__attribute__((constructor(101))) static void sbh_clear_environment(int argc, char **argv, char **envp) {
    (void)envp;
    startup_argc = argv != NULL ? argc : 0;
    startup_argv = argv;
    if (environ != NULL) environ[0] = NULL;
    cleared = 1;
}

int sbh_environment_was_cleared(void) { return cleared; }
int sbh_startup_argc(void) { return startup_argc; }
char *const *sbh_startup_argv(void) { return startup_argv; }
