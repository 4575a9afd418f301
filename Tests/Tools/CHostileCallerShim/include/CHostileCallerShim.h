// Test-only C calls for hostile-caller that Swift cannot make (ptrace is variadic).
// Kept out of CBridgeShim on purpose: the privileged helper must not link ptrace.
#ifndef CHOSTILECALLERSHIM_H
#define CHOSTILECALLERSHIM_H

#include <sys/types.h>

/// PTRACE_TRACEME: the next execve stops with SIGTRAP, after the kernel has applied
/// setuid / file capabilities (the tracer, our root parent, has CAP_SYS_PTRACE).
int hc_ptrace_traceme(void);
/// PTRACE_DETACH, delivering `signal` (SIGSTOP: the process stays stopped, untraced).
int hc_ptrace_detach(pid_t pid, int signal);

/// SYS_sendmsg, the call a helper blocks in when our socket buffer is full (/proc/PID/syscall).
extern const long hc_SYS_sendmsg;

#endif
