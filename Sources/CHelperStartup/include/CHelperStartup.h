// Start-up of the privileged helper, before the Swift runtime reads anything.
#ifndef CHELPERSTARTUP_H
#define CHELPERSTARTUP_H

/// 1 once the constructor has emptied the environment (main checks it: proof it ran).
int sbh_environment_was_cleared(void);

#endif
