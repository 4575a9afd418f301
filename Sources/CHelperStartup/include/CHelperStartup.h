// Start-up of the privileged helper, before the Swift runtime reads anything.
#ifndef CHELPERSTARTUP_H
#define CHELPERSTARTUP_H

/// 1 once the constructor has replaced the environment before the Swift runtime could read
/// it: only in a static build (main refuses to run otherwise).
int sbh_environment_was_cleared(void);

/// argc and argv as the kernel gave them, recorded by the same constructor. (The Swift
/// runtime's CommandLine finds argv by reading /proc/self/maps, which needs a free file
/// descriptor; the helper does not use it.)
int sbh_startup_argc(void);
char *const *sbh_startup_argv(void);

#endif
