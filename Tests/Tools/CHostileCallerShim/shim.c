#include "CHostileCallerShim.h"

#include <sys/ptrace.h>
#include <sys/syscall.h>

const long hc_SYS_sendmsg = SYS_sendmsg;

int hc_ptrace_traceme(void) { return (int)ptrace(PTRACE_TRACEME, 0, 0, 0); }
int hc_ptrace_detach(pid_t pid, int signal) { return (int)ptrace(PTRACE_DETACH, pid, 0, (void *)(long)signal); }
