// swift-bridge-helperd: the broker. A service started by swift-bridge-helper.socket (as a
// dynamic system user holding four capabilities, or as root) that
// hands out taps to the callers /etc/qemu/bridge.conf allows, so that no binary on a user's
// path holds a privilege. Each connection gets a child that takes the caller's identity from
// the kernel, becomes that caller keeping only CAP_NET_ADMIN, and runs the helper's own steps
// (TapService). The service exits when idle; the socket unit starts it again.
import BridgePolicy
import BridgeSystem
@preconcurrency import Glibc

func runBroker() -> Never {
    // 1. A sane process: fds 0-2 open, and the capabilities to become a caller and make a tap.
    guard StandardStreams.ensureOpen() else { exit(1) }
    if let missing = Privileges.brokerCapabilitiesMissing() {
        StandardStreams.printError(
            "swift-bridge-helperd: lacks \(missing): it is started by swift-bridge-helper.socket, or as root")
        exit(1)
    }
    // A clean signal state whoever started us: systemd-socket-activate, for one, hands on a mask
    // that blocks SIGALRM and SIGTERM, which would let a stuck child outlive its 30 s and the
    // service ignore a stop; an ignored SIGCHLD would reap children before they are counted.
    var none = sigset_t()
    sigemptyset(&none)
    sigprocmask(SIG_SETMASK, &none, nil)
    for signal in [SIGALRM, SIGTERM, SIGINT, SIGHUP, SIGCHLD] { Glibc.signal(signal, SIG_DFL) }

    // 2. The listening socket systemd passed.
    let listener: BrokerListener
    do { listener = try BrokerListener.fromSocketActivation() } catch {
        StandardStreams.printFailure(error)
        exit(1)
    }
    // 3. A child per connection (BrokerSession) until idle.
    listener.run(idleSeconds: idleSeconds(), maximumChildren: 128)
}

/// `--idle-timeout=SECONDS` (default 30): how long without a client before the service exits.
func idleSeconds() -> Int {
    let prefix = "--idle-timeout="
    for argument in CommandLine.arguments.dropFirst() {
        guard argument.hasPrefix(prefix),
            let seconds = DecimalNumber.parse(Array(argument.utf8.dropFirst(prefix.utf8.count)), in: 1...86_400)
        else {
            StandardStreams.printError("usage: swift-bridge-helperd [--idle-timeout=SECONDS]")
            exit(2)
        }
        return Int(seconds)
    }
    return 30
}

runBroker()
