// Start-up of the privileged helper, before the Swift runtime reads anything.
#ifndef CHELPERSTARTUP_H
#define CHELPERSTARTUP_H

/// 1 once the constructor has replaced the environment (main checks it: proof it ran).
int sbh_environment_was_cleared(void);

/// argc and argv as the kernel gave them, recorded by the same constructor. (The stock Swift
/// runtime's CommandLine finds argv by reading /proc/self/maps, which costs system calls
/// and fails when the caller left no free file descriptor; startup.c replaces that part.)
int sbh_startup_argc(void);
char *const *sbh_startup_argv(void);

#endif
