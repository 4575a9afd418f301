#!/usr/bin/python3
"""Call a bridge helper the way QEMU does, and check the tap it hands back.

Usage: qemu-caller.py HELPER BRIDGE                    expect success and a good tap
       qemu-caller.py HELPER BRIDGE --denied TEXT      expect exit 1, no fd, TEXT on stderr

QEMU makes an AF_UNIX stream socketpair, runs `HELPER --use-vnet --fd=N --br=BR`
with only its end N open, and waits for one byte carrying one SCM_RIGHTS fd.
While we hold that fd the tap exists, so it is checked before we exit: the name
comes from TUNGETIFF, the rest from /sys/class/net of our network namespace.
Stand-in until the project's Swift probe (bridge-helper-probe) replaces it.
"""
import fcntl, os, socket, struct, subprocess, sys

TUNGETIFF = 0x800454D2
IFF_VNET_HDR = 0x4000
IFF_UP = 0x1


def fail(msg):
    print(f"qemu-caller: {msg}", file=sys.stderr)
    sys.exit(1)


def sysfs(iface, attr):
    with open(f"/sys/class/net/{iface}/{attr}") as f:
        return f.read().strip()


def main():
    helper, bridge = sys.argv[1], sys.argv[2]
    denied = sys.argv[4] if len(sys.argv) == 5 and sys.argv[3] == "--denied" else None
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    proc = subprocess.Popen(
        [helper, "--use-vnet", f"--fd={theirs.fileno()}", f"--br={bridge}"],
        pass_fds=[theirs.fileno()], stderr=subprocess.PIPE, text=True)
    theirs.close()  # so recv sees EOF if the helper exits without sending
    msg, fds, _, _ = socket.recv_fds(ours, 1, 1)
    err = proc.communicate(timeout=30)[1]
    status = proc.returncode

    if denied is not None:
        for fd in fds:
            os.close(fd)
        if status != 1 or fds or denied not in err:
            fail(f"expected exit 1, no fd and {denied!r}; got exit {status}, "
                 f"{len(fds)} fd(s), stderr {err!r}")
        return
    if status != 0 or msg != b"\0" or len(fds) != 1:
        fail(f"exit {status}, message {msg!r}, {len(fds)} fd(s), stderr {err!r}")

    ifr = fcntl.ioctl(fds[0], TUNGETIFF, bytes(40))
    name = ifr[:16].split(b"\0", 1)[0].decode()
    flags = struct.unpack_from("H", ifr, 16)[0]
    problems = []
    if not (name.startswith("tap") and name[3:].isdigit()):
        problems.append(f"name {name!r} not from tap%d")
    if not flags & IFF_VNET_HDR:
        problems.append("no vnet header although --use-vnet")
    master = os.path.basename(os.readlink(f"/sys/class/net/{name}/master"))
    if master != bridge:
        problems.append(f"master is {master}, not {bridge}")
    if sysfs(name, "mtu") != sysfs(bridge, "mtu"):
        problems.append(f"mtu {sysfs(name, 'mtu')} != bridge mtu {sysfs(bridge, 'mtu')}")
    if not sysfs(name, "address").startswith("fe:"):
        problems.append(f"MAC {sysfs(name, 'address')} does not start with fe:")
    if not int(sysfs(name, "flags"), 16) & IFF_UP:
        problems.append("tap is not up")
    if problems:
        fail(f"{name}: " + "; ".join(problems))
    print(f"qemu-caller: got {name} on {bridge}, mtu {sysfs(name, 'mtu')}, "
          f"mac {sysfs(name, 'address')}, vnet, up")


if __name__ == "__main__":
    main()
