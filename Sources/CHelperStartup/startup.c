// The Swift runtime reads SWIFT_* settings from the environment before main runs
// (SWIFT_DEBUG_HELP prints, SWIFT_DEBUG_LIB_PRESPECIALIZED_PATH opens a file), even in a
// setuid or file-capability process. Swift code cannot run earlier than that, so this
// constructor does: priority 101 puts it before every unprioritised initializer, the
// runtime's included. The helper reads nothing from the environment; neither may anything
// it links.
#include <stddef.h>
#include <unistd.h>
#include "CHelperStartup.h"

extern char **environ;

// The list is emptied in place. Neither clearenv() (it leaves environ NULL, which the
// runtime dereferences) nor a new array will do: the runtime finds argv by walking back
// from where environ points on the initial stack.
__attribute__((constructor(101), used)) static void sbh_clear_environment(void) {
    if (environ != NULL) environ[0] = NULL;
}
