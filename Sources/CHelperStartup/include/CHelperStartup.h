// CHelperStartup: linked into the privileged helper only. It has no API: its one
// constructor (startup.c) empties the environment before the Swift runtime starts.
#ifndef CHELPERSTARTUP_H
#define CHELPERSTARTUP_H
#endif
