#!/usr/bin/env bash
# The cases of the hostile suite. Tests/hostile/run starts each one in a fresh world:
#   cases.sh BIN_DIR cap|suid|broker CASE   exit 0 = pass; 77 = does not apply to that copy
#                                           (the first line says why); otherwise the first
#                                           output line says why it failed
#   cases.sh --list                         the case names
# Inside a world (scripts/with-world): bridge br0, veth ve0, a private /etc/qemu, and the
# helper installed as $WORLD/bin/h-cap, $WORLD/bin/h-suid and, for `broker', $WORLD/bin/h-broker:
# a copy with no privilege, forwarding to swift-bridge-helperd, which world_start_broker runs
# under systemd-socket-activate (and the case's end stops). hostile-caller runs as root (so that
# it can stop and inspect the helper) and starts the helper as uid/gid 65534.
#
# Through the broker a case applies unchanged unless it says otherwise: `if [ "$copy" = broker ]'
# in the case is a different (documented) assertion, and broker_skips below lists the cases
# that cannot apply.
set -uo pipefail

# ---- tools ------------------------------------------------------------------------------

OUT=""
fail() {
    echo "$*"
    [ -z "$OUT" ] || sed 's/^/| /' <<<"$OUT"
    [ "${copy:-}" != broker ] || tail -n 5 "$WORLD/tmp/broker.log" 2>/dev/null | sed 's/^/| broker: /'
    exit 1
}

# hostile [OPTION ...] [-- ARGUMENT ...]: runs the helper under attack (hostile-caller's
# OPTIONs; helper ARGUMENTs, by default QEMU's); the report goes to $OUT.
hostile() {
    local options=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
    [ $# = 0 ] || shift
    # The broker writes a refusal's audit line after its reply, so after the helper has exited.
    [ "$copy" != broker ] || [[ " ${options[*]} " != *" --syslog="* ]] || options+=(--syslog-wait=1000)
    OUT=$("$bin/hostile-caller" --user=65534:65534 "${options[@]}" "$helper" "$@" 2>&1) \
        || fail "hostile-caller itself failed"
}
# probe [ARGUMENT ...]: QEMU's side, as the unprivileged user; the report goes to $OUT.
probe() { OUT=$(as_user "$bin/bridge-helper-probe" "$helper" "$@" 2>&1) || fail "the probe itself failed"; }

field() { sed -n "s/^$1=//p" <<<"$OUT" | head -n1; }
stderr_text() { sed -n 's/^stderr=//p' <<<"$OUT"; }
# stderr without the note a host with no system log gets (this machine may have no /dev/log).
stderr_besides_no_log_note() { stderr_text | grep -v "^swift-bridge-helper: note: no system log at /dev/log "; }

# conf LINE ...: /etc/qemu/bridge.conf, root's, mode 0644.
conf() { acl_file /etc/qemu/bridge.conf "$@"; }
acl_file() { local path=$1; shift; printf '%s\n' "$@" >"$path"; chown root:root "$path"; chmod 0644 "$path"; }

no_taps_left() { local left; left=$(world_taps_gone) || fail "a tap outlived the helper: $left"; }
no_helper_left() { ! pgrep -f "^$helper" >/dev/null || fail "a helper process is still running"; }

# expect_refused [TEXT ...]: non-zero exit, no fd, a message (containing each TEXT), nothing left.
expect_refused() {
    [ -z "$(field exec_errno)" ] || fail "execve failed (errno $(field exec_errno)): the case did not run"
    [ -z "$(field timeout)" ] || fail "the helper hung"
    [ -n "$(field exit)$(field signal)" ] || fail "no exit status reported"
    [ "$(field exit)" != 0 ] || fail "the helper exited 0"
    [ "$(field fds)" = 0 ] || fail "the helper sent an fd"
    local text wanted
    text=$(stderr_text)
    [ -n "$text" ] || fail "no message on stderr"
    for wanted in "$@"; do grep -qF -- "$wanted" <<<"$text" || fail "stderr lacks: $wanted"; done
    no_taps_left
    no_helper_left
}
# expect_acl_refused [TEXT ...]: refused, ending with one of the ACL's two closing lines.
expect_acl_refused() {
    expect_refused "$@"
    grep -qE "^(access denied by acl file|failed to parse default acl file \`/etc/qemu/bridge.conf')$" <<<"$(stderr_text)" \
        || fail "no ACL refusal line"
}
# expect_attached: exit 0, one tap fd, the single 0x00 byte, no message, nothing left after.
expect_attached() {
    [ "$(field exit)" = 0 ] || fail "the helper did not succeed"
    [ "$(field fds)" = 1 ] || fail "fds=$(field fds), expected 1"
    [[ "$(field tap)" == tap* ]] || fail "the fd received is not a tap"
    [ "$(field data)" = '\x00' ] || fail "data=$(field data), expected one 0x00 byte"
    [ -z "$(stderr_besides_no_log_note)" ] || fail "a message on stderr although it succeeded"
    no_taps_left
    no_helper_left
}
# expect_probe_attached BRIDGE: the probe's view of a success (tap enslaved, up, fe: MAC).
expect_probe_attached() {
    [ "$(field exit)" = 0 ] && [ "$(field fds)" = 1 ] || fail "the helper did not succeed"
    [ "$(field master)" = "$1" ] || fail "the tap's master is '$(field master)', expected '$1'"
    [ "$(field up)" = 1 ] || fail "the tap is not up"
    [[ "$(field mac)" == fe:* ]] || fail "the tap's MAC does not start with fe:"
    no_taps_left
}
# A success where success is right, a clean refusal otherwise; never anything in between.
expect_attached_or_refused() { if [ "$(field exit)" = 0 ]; then expect_attached; else expect_refused; fi; }

# The caller owns this program; it must never run (backtracer, preload, ...).
install_marker_programs() {
    local cc
    cc=$(command -v gcc || command -v clang || command -v cc) || fail "no C compiler for the LD_PRELOAD marker"
    printf '#!/bin/sh\ntouch %s/tmp/evil-ran\n' "$WORLD" >"$WORLD/bin/evil"
    chmod 0755 "$WORLD/bin/evil"
    printf '#include <fcntl.h>\n__attribute__((constructor)) static void ran(void) { open("%s/tmp/evil-ran", O_CREAT | O_WRONLY, 0644); }\n' \
        "$WORLD" | "$cc" -shared -fPIC -x c -o "$WORLD/bin/evil.so" - || fail "cannot build the LD_PRELOAD marker ($cc)"
}
no_marker() { [ ! -e "$WORLD/tmp/evil-ran" ] || fail "the caller's program ran inside the helper"; }
runtime_environment() {
    printf '%s\n' --env=SWIFT_DEBUG_HELP=YES \
        "--env=SWIFT_BACKTRACE=enable=yes,interactive=no,swift-backtrace=$WORLD/bin/evil" \
        --env=SWIFT_DETERMINISTIC_HASHING=1 --env=SWIFT_DEBUG_ENABLE_MALLOC_SCRIBBLE=YES \
        --env=SWIFT_DEBUG_FAILED_TYPE_LOOKUP=YES --env=SWIFT_DUMP_ACCESSIBLE_FUNCTIONS=YES \
        --env=SWIFT_DEBUG_ENABLE_LIB_PRESPECIALIZED_LOGGING=YES \
        "--env=SWIFT_DEBUG_LIB_PRESPECIALIZED_PATH=$WORLD/bin/evil.so" "--env=SWIFT_ROOT=$WORLD/tmp" \
        --env=MALLOC_CHECK_=3 --env=MALLOC_PERTURB_=165 --env=MALLOC_ARENA_MAX=1 \
        "--env=LD_PRELOAD=$WORLD/bin/evil.so" "--env=LD_LIBRARY_PATH=$WORLD/bin" \
        --env=GLIBC_TUNABLES=glibc.malloc.check=3:glibc.malloc.mmap_threshold=1:glibc.malloc.tcache_count=0 \
        --env=LC_ALL=de_DE.UTF-8 --env=LANGUAGE=de --env=TMPDIR=/nonexistent
}

# ---- the caller's process: argv, standard fds, the --fd object ----------------------------

case_no_privilege_says_how_to_grant_it() {
    conf 'allow br0'
    install -m 0755 "$bin/swift-bridge-helper" "$WORLD/bin/h-plain"
    if [ "$copy" = broker ]; then no_privilege_is_served_by_the_broker; return; fi
    helper=$WORLD/bin/h-plain hostile
    expect_refused "swift-bridge-helper has no CAP_NET_ADMIN" "grant it with: setcap cap_net_admin+ep $WORLD/bin/h-plain"
    ! grep -qF "no_new_privs" <<<"$(stderr_text)" || fail "blames no_new_privs, which the caller did not set"
    # A caller with no_new_privs set (a sandbox): the kernel ignores our privilege; say why.
    OUT=$(as_user setpriv --no-new-privs "$bin/bridge-helper-probe" "$helper" 2>&1)
    grep -qF "swift-bridge-helper has no CAP_NET_ADMIN" <<<"$OUT" || fail "not refused for lack of privilege under no_new_privs"
    grep -qF "note: the caller runs with no_new_privs set" <<<"$OUT" || fail "the no_new_privs note is missing"
    no_taps_left
}
# Broker mode on: a copy with no privilege is served, per the ACL alone, and no_new_privs
# (which would void a file capability or setuid bit) changes nothing: no privilege is needed.
no_privilege_is_served_by_the_broker() {
    helper=$WORLD/bin/h-plain hostile
    expect_attached
    OUT=$(as_user setpriv --no-new-privs "$bin/bridge-helper-probe" "$WORLD/bin/h-plain" 2>&1)
    [ "$(field fds)" = 1 ] || fail "refused under no_new_privs although no privilege is needed"
    no_taps_left
    conf 'allow br1'
    helper=$WORLD/bin/h-plain hostile
    expect_acl_refused "access denied by acl file"
    ! grep -qF "has no CAP_NET_ADMIN" <<<"$(stderr_text)" || fail "blames a missing privilege, not the ACL"
}
case_argc_0() { conf 'allow br0'; hostile --empty-argv; expect_refused; }
case_std_fds_closed_allowed() { conf 'allow br0'; hostile --close=0,1,2; expect_attached; }
case_std_fds_closed_denied() {
    # No stderr to write to: the refusal must still be an exit 1 with nothing sent, and our
    # messages must not have landed in the socket (fds 0-2 are filled with /dev/null).
    conf 'deny all'
    hostile --close=0,1,2
    [ "$(field exit)" = 1 ] && [ "$(field fds)" = 0 ] || fail "not refused"
    [ -z "$(field data)" ] || fail "bytes arrived on the socket: $(field data)"
    no_taps_left
}
case_fd_closed() { conf 'allow br0'; hostile --fd-kind=closed; expect_refused "failed to write fd to unix socket: Bad file descriptor" "nothing was created"; }
case_fd_pipe() { conf 'allow br0'; hostile --fd-kind=pipe; expect_refused "failed to write fd to unix socket: Socket operation on non-socket" "is not a socket"; }
case_fd_regular_file() { conf 'allow br0'; hostile --fd-kind=file; expect_refused "failed to write fd to unix socket: Socket operation on non-socket"; }
case_fd_listening_socket() { conf 'allow br0'; hostile --fd-kind=listening; expect_refused "failed to write fd to unix socket" "not connected"; }
case_fd_datagram_socket() { conf 'allow br0'; hostile --fd-kind=datagram; expect_refused "failed to write fd to unix socket" "not a unix stream socket"; }
case_fd_inet_socket() { conf 'allow br0'; hostile --fd-kind=inet; expect_refused "failed to write fd to unix socket" "not a unix stream socket"; }
case_fd_peer_closed() {
    conf 'allow br0'
    hostile --fd-kind=peer-closed
    expect_refused "failed to write fd to unix socket: Broken pipe"
    [ "$(field exit)" = 1 ] || fail "killed by a signal instead of exit 1 (SIGPIPE?)"
}
case_fd_number_unopened() { conf 'allow br0'; hostile -- --use-vnet --fd=1000 --br=br0; expect_refused "Bad file descriptor"; }
case_fd_number_overflow() { conf 'allow br0'; hostile -- --use-vnet --fd=99999999999 --br=br0; expect_refused "invalid --fd value"; }

# ---- resource limits -------------------------------------------------------------------

# The limits below are pinned: each value has one outcome. Every case runs with a private
# /dev whose log is hostile-caller's (--syslog) or absent, so the host's /dev/log (present or
# not) changes nothing.
#
# File descriptors: 0-2, the --fd socket (3), the log socket (4), and two at a time to read an
# ACL file (its directory and the file, opened from it): the ACL needs 7. The acts then hold
# three at once (the control socket, the netlink socket that marks the tap, /dev/net/tun):
# 8 is the smallest RLIMIT_NOFILE that must work, 7 without a log (the failed connection
# gives its fd back).
acl_nofile_minimum=7
nofile_minimum=8
tun_failure="failed to open /dev/net/tun: Too many open files"
# Address space: the static helper starts with 7.5 MiB (measured, Debian 12, Swift 6.3):
# 8 MiB must work. Far below (1-4 MiB) it cannot start (today: SIGSEGV before main).
address_space_minimum=$((8 * 1024 * 1024))
# File size: the helper writes no file, so RLIMIT_FSIZE 0 must work.

# expect_failed_without_tap: no success, no fd, nothing left, whether it exited or was killed
# (for limits too small to start in, where no message can be written).
expect_failed_without_tap() {
    [ -z "$(field timeout)" ] || fail "the helper hung"
    [ -n "$(field exit)$(field signal)$(field exec_errno)" ] || fail "no exit status reported"
    [ "$(field exit)" != 0 ] || fail "the helper exited 0"
    [ "$(field fds)" = 0 ] || fail "the helper sent an fd"
    no_taps_left
    no_helper_left
}

# RLIMIT_NOFILE 3 to 8 with a log: below 5 the log cannot be connected, below the minimum
# the ACL cannot be read (the ACL's refusal then ends in $1), from the minimum on the request
# ends as the rest of the arguments check.
nofile_sweep() {
    local acl_failure=$1 n
    shift
    for n in 3 4 5 6 7 8; do
        hostile --syslog=/dev/log "--nofile=$n"
        if ((n < 5)); then
            expect_refused "failed to connect to the system log /dev/log: Too many open files"
        elif ((n < acl_nofile_minimum)); then
            expect_acl_refused "$acl_failure"
        elif ((n < nofile_minimum)) && [ "$1" = expect_attached ]; then
            expect_refused "$tun_failure"
        else
            "$@"
        fi
    done
}

# Through the broker the caller's RLIMIT_NOFILE binds the unprivileged helper alone: 0-2, the
# --fd socket (3), the broker's socket (4) and the tap received (5); the log and the ACL are the
# broker's, read under the daemon's limits. Below 5 the broker is never reached; from 5 on the
# ACL alone decides (a limit can never make the deny in an include unreadable), but at 5 a tap
# the broker sent is dropped on receipt (MSG_CTRUNC) and goes with the connection.
broker_nofile_minimum=6
broker_nofile_sweep() {  # EXPECTATION ...: what the ACL's answer looks like from the minimum on
    local n
    for n in 3 4 5 6 7 8; do
        hostile --syslog=/dev/log "--nofile=$n"
        if ((n < 5)); then
            expect_refused "failed to reach the tap broker at /run/swift-bridge-helper/io.swiftbridgehelper.Bridge: Too many open files"
            [ -z "$(sed -n 's/^syslog=//p' <<<"$OUT")" ] || fail "an audit line although the broker was never asked"
        elif ((n < broker_nofile_minimum)) && [[ "$1" == expect_attached* ]]; then
            expect_refused "failed to read the tap broker's reply"
        else
            "$@"
        fi
    done
}
case_nofile_3_to_8() {
    private_dev_with_log
    conf 'allow br0'
    local n
    if [ "$copy" = broker ]; then
        broker_nofile_sweep expect_attached
        conf 'allow all' 'include /etc/qemu/deny.conf'
        acl_file /etc/qemu/deny.conf 'deny br0'
        broker_nofile_sweep expect_acl_refused "access denied by acl file"
        return
    fi
    nofile_sweep "/etc/qemu/bridge.conf: Too many open files" expect_attached
    # With no log to connect to, one fd fewer.
    for n in 5 6 7; do
        hostile "--nofile=$n"
        if ((n < acl_nofile_minimum - 1)); then
            expect_acl_refused "/etc/qemu/bridge.conf: Too many open files"
        elif ((n < nofile_minimum - 1)); then
            expect_refused "$tun_failure"
        else
            expect_attached
        fi
    done
    # With a deny rule in an include, a limit that makes the include unreadable must never
    # turn the answer into "allowed": too few fds fail the ACL, enough find the deny.
    conf 'allow all' 'include /etc/qemu/deny.conf'
    acl_file /etc/qemu/deny.conf 'deny br0'
    nofile_sweep "Too many open files" expect_acl_refused "access denied by acl file"
}
case_fsize_tiny() {
    # stderr is a regular file that may not grow at all: a request that writes nothing works.
    private_dev_with_log
    conf 'allow br0'
    hostile --syslog=/dev/log --fsize=0 "--stderr-file=$WORLD/tmp/stderr"
    expect_attached
    [ "$(stat -c %s "$WORLD/tmp/stderr")" = 0 ] || fail "the helper wrote to stderr although it succeeded"
    # A refusal whose message cannot be written (SIGXFSZ, or EFBIG if ignored) is still a
    # refusal, and the file does not grow past the limit.
    conf 'deny all'
    hostile --syslog=/dev/log --fsize=1 "--stderr-file=$WORLD/tmp/stderr"
    expect_failed_without_tap
    [ "$(stat -c %s "$WORLD/tmp/stderr")" -le 1 ] || fail "the file grew past RLIMIT_FSIZE"
}
case_address_space_tiny() {
    private_dev_with_log
    conf 'allow br0'
    local bytes
    for bytes in 1048576 2097152 4194304; do
        hostile --syslog=/dev/log "--as=$bytes"
        expect_failed_without_tap
        ! grep -q "^syslog=.* allowed by " <<<"$OUT" || fail "an allowed line from a helper that failed (--as=$bytes)"
    done
    for bytes in $address_space_minimum $((2 * address_space_minimum)) $((4 * address_space_minimum)); do
        hostile --syslog=/dev/log "--as=$bytes"
        expect_attached
    done
}

# ---- huge and hostile environment and arguments ------------------------------------------

case_huge_environment() { conf 'allow br0'; hostile --huge-env=1500000; expect_attached; }
case_huge_argv_junk() { conf 'allow br0'; hostile --repeat-arg=60000:junk; expect_refused "Usage: swift-bridge-helper"; }
case_huge_argv_repeated_options() { conf 'allow br0'; hostile --repeat-arg=60000:--use-vnet; expect_attached; }
case_huge_bridge_argument() {
    conf 'allow all'
    hostile -- --use-vnet --fd=@FD "--br=$(head -c 100000 /dev/zero | tr '\0' x)"
    expect_refused "too long: 100000"
}
case_runtime_environment_allowed() {
    install_marker_programs
    conf 'allow br0'
    mapfile -t environment < <(runtime_environment)
    hostile "${environment[@]}"
    expect_attached  # also: nothing on stderr (SWIFT_DEBUG_HELP, SWIFT_BACKTRACE would print)
    no_marker
}
case_runtime_environment_denied() {
    install_marker_programs
    conf 'allow br1' 'deny br0'
    hostile
    local plain; plain=$(stderr_text)
    mapfile -t environment < <(runtime_environment)
    hostile "${environment[@]}"
    expect_acl_refused
    [ "$(stderr_text)" = "$plain" ] || fail "the environment changed the messages"
    no_marker
}
case_dynamic_build_refuses_to_run() {
    # A dynamic build's runtime reads SWIFT_* before any code of ours: it must refuse, with
    # privilege as without, and send nothing.
    conf 'allow br0'
    file -L "$SBH_DYNAMIC_HELPER" | grep -q "dynamically linked" || fail "$SBH_DYNAMIC_HELPER is not a dynamic build"
    world_install "$SBH_DYNAMIC_HELPER" dyn
    install -m 0755 "$SBH_DYNAMIC_HELPER" "$WORLD/bin/dyn-broker"  # no privilege: would forward
    helper=$WORLD/bin/dyn-$copy hostile
    expect_refused "refusing to run: this build is dynamically linked"
}
case_runtime_backtracer_on_crash() {
    # A caller can signal its own helper (same uid after the drop): a SIGSEGV must not
    # start a caller-chosen backtracer, and must leave nothing behind.
    install_marker_programs
    conf 'allow br0'
    mapfile -t environment < <(runtime_environment)
    hostile "${environment[@]}" --stop-at=send --signal=11
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught before sending"
    [ "$(field signal)" = 11 ] && [ "$(field fds)" = 0 ] || fail "expected death by SIGSEGV with no fd"
    [ -z "$(stderr_besides_no_log_note)" ] || fail "the runtime reacted to the environment"
    no_taps_left
    no_marker
}

# ---- the ACL files -----------------------------------------------------------------------

case_acl_symlink() {
    acl_file /etc/qemu/real.conf 'allow br0'
    ln -s real.conf /etc/qemu/bridge.conf
    hostile
    expect_acl_refused "it is a symbolic link"
}
case_acl_owned_by_user() { conf 'allow br0'; chown 65534 /etc/qemu/bridge.conf; hostile; expect_acl_refused "owned by uid 65534"; }
case_acl_group_writable() { conf 'allow br0'; chgrp 65534 /etc/qemu/bridge.conf; chmod 0664 /etc/qemu/bridge.conf; hostile; expect_acl_refused "writable by its group or by others"; }
case_acl_world_writable() { conf 'allow br0'; chmod 0646 /etc/qemu/bridge.conf; hostile; expect_acl_refused "writable by its group or by others"; }
case_include_group_writable() {
    conf 'include /etc/qemu/inc.conf'
    acl_file /etc/qemu/inc.conf 'allow br0'
    chmod 0664 /etc/qemu/inc.conf
    hostile
    expect_acl_refused "include \`/etc/qemu/inc.conf' refused" "writable by its group"
}
case_include_owned_by_user() {
    conf 'include /etc/qemu/inc.conf'
    acl_file /etc/qemu/inc.conf 'allow br0'
    chown 65534 /etc/qemu/inc.conf
    hostile
    expect_acl_refused "owned by uid 65534"
}
case_include_proc_self_status() { conf 'include /proc/self/status'; hostile; expect_acl_refused; }
case_include_fifo() {
    mkfifo -m 0644 /etc/qemu/fifo
    conf 'allow br0' 'include /etc/qemu/fifo'
    hostile --timeout=10
    expect_acl_refused "not a regular file"
}
case_include_dev_zero() { conf 'allow br0' 'include /dev/zero'; hostile --timeout=10; expect_acl_refused "not a regular file"; }
case_include_directory() { mkdir /etc/qemu/dir; conf 'allow br0' 'include /etc/qemu/dir'; hostile; expect_acl_refused "not a regular file"; }
case_include_self() { conf 'allow br0' 'include /etc/qemu/bridge.conf'; hostile; expect_acl_refused "is a cycle"; }
case_include_cycle_of_two() {
    conf 'allow br0' 'include /etc/qemu/a.conf'
    acl_file /etc/qemu/a.conf 'include b.conf'
    acl_file /etc/qemu/b.conf 'include /etc/qemu/a.conf'
    hostile
    expect_acl_refused "is a cycle"
}
# An error in any file fails the whole ACL: the C helper drops the include at its bad line and
# goes on, losing the deny after it.
case_include_long_comment_then_deny() {
    conf 'allow all' 'include /etc/qemu/deny.conf'
    acl_file /etc/qemu/deny.conf "#$(printf '%5000s' '')" 'deny br0'
    hostile; expect_acl_refused "/etc/qemu/deny.conf:1"
}
case_include_unknown_command_then_deny() {
    conf 'allow all' 'include /etc/qemu/deny.conf'
    acl_file /etc/qemu/deny.conf 'permit br9' 'deny br0'
    hostile; expect_acl_refused "Unknown command \`permit'" "/etc/qemu/deny.conf:1"
}
# Directories on the path: root's, not writable by group or others unless sticky.
site_include() {  # MODE OWNER: /etc/qemu-site with that mode and owner, holding deny.conf (deny br0)
    mkdir -p /etc/qemu-site && chmod "$1" /etc/qemu-site && chown "$2" /etc/qemu-site || fail "cannot make /etc/qemu-site"
    acl_file /etc/qemu-site/deny.conf 'deny br0'
    conf 'allow all' 'include /etc/qemu-site/deny.conf'
}
case_include_dir_group_writable() {
    site_include 0775 root:65534
    hostile; expect_acl_refused "the directory \`/etc/qemu-site' on its path is writable by its group or by others (mode 0775)"
}
case_include_dir_owned_by_user() {
    site_include 0755 65534:65534
    hostile; expect_acl_refused "the directory \`/etc/qemu-site' on its path is owned by uid 65534, not root"
}
case_include_dir_sticky_is_trusted() {
    # Sticky: others cannot remove or rename root's file, so its deny holds, and is applied.
    site_include 1777 root:root
    hostile; expect_acl_refused "access denied by acl file"
    acl_file /etc/qemu-site/deny.conf 'allow br0'
    hostile; expect_attached
}
case_acl_dir_world_writable() {
    conf 'allow br0'
    chmod 0757 /etc/qemu
    hostile; expect_acl_refused "the directory \`/etc/qemu' on its path is writable by its group or by others (mode 0757)"
}
case_include_through_symlinked_dir() {
    site_include 0755 root:root
    ln -s /etc/qemu-site /etc/qemu/site || fail "cannot make the link"
    conf 'allow all' 'include /etc/qemu/site/deny.conf'
    hostile; expect_acl_refused "\`/etc/qemu/site' on its path is a symbolic link"
}
case_include_missing_is_skipped() {
    conf 'allow br0' 'include /etc/qemu/absent.conf' 'include /etc/qemu/absent-dir/x.conf'
    hostile; expect_attached
}
case_include_unreadable_by_mode_is_skipped() {
    # The per-user pattern: an include this caller may not read (mode 0600) is skipped.
    conf 'allow br0' 'include /etc/qemu/other-user.conf'
    acl_file /etc/qemu/other-user.conf 'deny br0'
    chmod 0600 /etc/qemu/other-user.conf
    hostile; expect_attached
}
case_include_refused_beyond_its_mode_fails() {
    # Mode 0644 says the caller may read it; a POSIX ACL (as an LSM would) refuses: that EACCES
    # is not the per-user pattern, and the deny in it must not be lost.
    command -v setfacl >/dev/null || fail "setfacl is missing (scripts/install-deps installs acl)"
    conf 'allow all' 'include /etc/qemu/deny.conf'
    acl_file /etc/qemu/deny.conf 'deny br0'
    setfacl -m u:65534:--- /etc/qemu/deny.conf || fail "cannot set a POSIX ACL on /etc/qemu/deny.conf"
    hostile; expect_acl_refused "could not be read: Permission denied, which its mode bits do not explain"
}
case_include_chain_1000() {
    conf 'include /etc/qemu/inc0.conf'
    for i in $(seq 0 998); do acl_file "/etc/qemu/inc$i.conf" "include /etc/qemu/inc$((i + 1)).conf"; done
    acl_file /etc/qemu/inc999.conf 'allow br0'
    hostile
    expect_acl_refused "levels deep"
}
case_line_of_1mb() {
    { printf '# '; head -c 1000000 /dev/zero | tr '\0' x; printf '\nallow br0\n'; } >/etc/qemu/bridge.conf
    hostile
    expect_acl_refused "bytes long"
}
case_comment_smuggling_allow() {
    # The C helper reads 4095 bytes at a time: the tail of this comment would be `allow all'.
    { printf '#'; head -c 4094 /dev/zero | tr '\0' x; printf 'allow all\n'; } >/etc/qemu/bridge.conf
    hostile
    expect_acl_refused "bytes long"
}
case_file_of_100mb() {
    local free; free=$(df --output=avail -B1 /etc/qemu | tail -n1)
    [ "$free" -gt 104857600 ] || fail "the world's /etc/qemu tmpfs is too small ($free bytes)"
    conf 'allow br0'
    truncate -s 100M /etc/qemu/bridge.conf  # sparse: no memory used
    hostile
    expect_acl_refused "larger than"
    conf 'allow all' 'include /etc/qemu/big.conf'
    truncate -s 100M /etc/qemu/big.conf
    chmod 0644 /etc/qemu/big.conf
    hostile
    expect_acl_refused "larger than"
}

# ---- bridge names ------------------------------------------------------------------------

case_name_15_bytes_bridge() {
    ip link add br-fifteen-1234 type bridge && ip link set br-fifteen-1234 up || fail "cannot create the bridge"
    conf 'allow br-fifteen-1234'
    probe --use-vnet --fd=@FD --br=br-fifteen-1234
    expect_probe_attached br-fifteen-1234
}
case_name_16_bytes() { conf 'allow all'; hostile -- --use-vnet --fd=@FD --br=abcdefghijklmnop; expect_refused "name \`abcdefghijklmnop' too long: 16"; }
case_name_17_bytes() { conf 'allow all'; hostile -- --use-vnet --fd=@FD --br=abcdefghijklmnopq; expect_refused "name \`abcdefghijklmnopq' too long: 17"; }
case_name_with_slash() { conf 'allow all'; hostile -- --use-vnet --fd=@FD --br=br/0; expect_refused "invalid bridge name" "contains \`/'"; }
case_name_with_space() { conf 'allow all'; hostile -- --use-vnet --fd=@FD '--br=br 0'; expect_refused "invalid bridge name" "white space"; }
case_name_with_newline() { conf 'allow all'; hostile -- --use-vnet --fd=@FD $'--br=br\n0'; expect_refused "invalid bridge name" "white space"; }
case_name_dot_dot() { conf 'allow all'; hostile -- --use-vnet --fd=@FD --br=..; expect_refused "invalid bridge name"; }
case_name_with_colon() { conf 'allow all'; hostile -- --use-vnet --fd=@FD --br=br0:1; expect_refused "invalid bridge name"; }
case_name_percent_00() {
    # `%00' is three ordinary bytes, not a NUL; but the kernel reads any name with `%' as a
    # template (`tap%d'), so no interface can be called that: refused before anything else.
    conf 'allow all'
    hostile -- --use-vnet --fd=@FD --br=br0%00
    expect_refused "invalid bridge name \`br0%00': it contains \`%'"
}
case_name_utf8_bridge() {
    ip link add brü type bridge && ip link set brü up || fail "cannot create the bridge"
    conf 'allow brü'
    probe --use-vnet --fd=@FD --br=brü
    expect_probe_attached brü
}
case_name_not_a_bridge() { conf 'allow all'; hostile -- --use-vnet --fd=@FD --br=ve0; expect_refused "is not a bridge"; }
# Another name of a bridge (an altname, which the kernel resolves in every lookup).
secure_bridge_with_altname() {
    ip link add br-secure type bridge && ip link property add dev br-secure altname storage0 \
        && ip link set br-secure up || fail "cannot make br-secure with altname storage0"
}
case_altname_of_a_denied_bridge() {
    secure_bridge_with_altname
    conf 'allow all' 'deny br-secure'
    hostile -- --use-vnet --fd=@FD --br=storage0
    expect_acl_refused "access denied by acl file"
    [ -z "$(ip -o link show master br-secure)" ] || fail "a port was added to br-secure"
}
case_kernel_name_of_a_bridge_denied_by_altname() {
    secure_bridge_with_altname
    conf 'allow all' 'deny storage0'
    hostile -- --use-vnet --fd=@FD --br=br-secure
    expect_acl_refused "access denied by acl file"
}
case_altname_allowed_reaches_its_bridge() {
    secure_bridge_with_altname
    conf 'allow storage0'
    probe --use-vnet --fd=@FD --br=storage0
    expect_probe_attached br-secure
    # An allow of the kernel's name does not grant the altname: the C helper would deny it.
    conf 'allow br-secure'
    hostile -- --use-vnet --fd=@FD --br=storage0
    expect_acl_refused "access denied by acl file"
}
case_audit_altname_logs_both_names() {
    private_dev_with_log
    secure_bridge_with_altname
    conf 'allow all' 'deny br-secure'
    hostile --syslog=/dev/log -- --use-vnet --fd=@FD --br=storage0
    expect_audit 84 "uid=65534 bridge=storage0 (br-secure) denied by /etc/qemu/bridge.conf:2"
}

# libvirt reads the helper's stderr on another thread and reports what it holds when the
# socket reaches EOF: the socket may close only after the message was read (or 0.2 s passed).
case_refusal_message_read_before_the_socket_closes() {
    conf 'allow other'
    OUT=$(python3 - "$helper" <<'PY' 2>&1
import os, select, socket, subprocess, sys
ours, theirs = socket.socketpair()
read_end, write_end = os.pipe()
helper = subprocess.Popen([sys.argv[1], "--use-vnet", f"--fd={theirs.fileno()}", "--br=br0"],
                          stderr=write_end, pass_fds=[theirs.fileno()], user=65534, group=65534, extra_groups=[])
os.close(write_end); theirs.close()
readable, _, _ = select.select([ours], [], [], 0.1)  # stderr not read yet, as libvirt's race
if readable: sys.exit("the socket closed before anyone read stderr")
message = os.read(read_end, 4096).decode()
readable, _, _ = select.select([ours], [], [], 2)
if not readable or ours.recv(16) != b"": sys.exit("no EOF on the socket after stderr was read")
status = helper.wait(5)
print(f"stderr={message.strip()}\nexit={status}")
PY
) || fail "$OUT"
    grep -qE "^(stderr=)?access denied by acl file$" <<<"$OUT" || fail "not the refusal message"
    grep -qx "exit=1" <<<"$OUT" || fail "the helper did not exit 1"
}

# ---- the world changes under the helper --------------------------------------------------

case_bridge_deleted_at_start() {
    conf 'allow br0'
    hostile --stop-at=exec --while-stopped='ip link del br0'
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught at exec"
    expect_refused "failed to get mtu of bridge \`br0': No such device"
}
case_bridge_deleted_while_sending() {
    # Everything is done but the hand-over: the tap goes to QEMU, and dies with its fd.
    conf 'allow br0'
    hostile --stop-at=send --while-stopped="ip -o link show type tun >$WORLD/tmp/taps; ip link del br0"
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught while sending"
    grep -q "master br0" "$WORLD/tmp/taps" || fail "no tap on br0 while the helper was stopped"
    expect_attached
}
case_bridge_deleted_race() {
    # The bridge vanishes at 40 different moments, 0-2 ms after the helper's execve (a run
    # takes about 1 ms): each run either attaches (the bridge went after SIOCBRADDIF) or is
    # refused with a message; never a tap left behind.
    conf 'allow br0'
    local refused=0 attached=0
    for i in $(seq 40); do
        hostile "--stop-at=$(((i * 53) % 2000))" --while-stopped='ip link del br0'
        expect_attached_or_refused
        if [ "$(field exit)" = 0 ]; then attached=$((attached + 1)); else refused=$((refused + 1)); fi
        ip link del br0 2>/dev/null
        ip link add br0 type bridge && ip link set br0 up || fail "cannot re-create br0"
    done
    echo "attached $attached, refused $refused"
    [ $refused -gt 0 ] || fail "no run was refused: the race was never hit"
}
case_killed_race() {
    # The caller kills its helper at 30 different moments: a tap never outlives it. (Killed
    # after the hand-over, the fd did arrive: QEMU then sees the signal and closes it.)
    conf 'allow br0'
    local killed=0
    for i in $(seq 30); do
        hostile "--stop-at=$(((i * 67) % 2000))" --signal=9
        if [ "$(field exit)" = 0 ]; then expect_attached; continue; fi
        [ "$(field signal)" = 9 ] || fail "neither finished nor killed"
        killed=$((killed + 1))
        no_taps_left
    done
    [ $killed -gt 0 ] || fail "no run was killed: the race was never hit"
}
case_concurrent_32() {
    conf 'allow br0'
    local dir=$WORLD/tmp/concurrent
    mkdir "$dir"
    local callers=()  # waited for by pid: the broker (for `broker') is a background job too
    for i in $(seq 32); do
        "$bin/hostile-caller" --user=65534:65534 --timeout=60 --stop-at=send \
            --while-stopped="touch $dir/ready.$i; for _ in \$(seq 600); do [ -e $dir/go ] && break; sleep 0.05; done" \
            "$helper" >"$dir/out.$i" 2>&1 &
        callers+=($!)
    done
    for _ in $(seq 600); do [ "$(ls "$dir" | grep -c '^ready')" = 32 ] && break; sleep 0.05; done
    [ "$(ls "$dir" | grep -c '^ready')" = 32 ] || { touch "$dir/go"; wait "${callers[@]}"; fail "not all 32 helpers reached the hand-over"; }
    local held; held=$(ip -o link show master br0 type tun | wc -l)
    touch "$dir/go"
    wait "${callers[@]}"
    [ "$held" = 32 ] || fail "$held taps on br0 while 32 helpers held theirs"
    for i in $(seq 32); do OUT=$(cat "$dir/out.$i"); expect_attached; done
    [ "$(sed -n 's/^tap=//p' "$dir"/out.* | sort -u | wc -l)" = 32 ] || fail "the 32 taps do not have distinct names"
}
case_privileges_while_acting() {
    conf 'allow br0'
    if [ "$copy" = broker ]; then broker_copy_holds_nothing; return; fi
    hostile --stop-at=exec --status
    local bounding_at_exec; bounding_at_exec=$(field status_CapBnd)
    if [ "$copy" = suid ]; then
        [ "$(field status_Uid)" = "65534 0 0 0" ] || fail "the setuid copy did not start as euid 0 (the test has no power)"
    else
        [ "$(field status_CapPrm)" = 0000000000001000 ] || fail "the cap copy did not start with cap_net_admin"
    fi
    hostile --stop-at=send --status
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught while acting"
    local expected
    for expected in "Uid=65534 65534 65534 65534" "Gid=65534 65534 65534 65534" "Groups=" \
        CapInh=0000000000000000 CapPrm=0000000000001000 CapEff=0000000000001000 \
        CapAmb=0000000000000000 NoNewPrivs=1; do
        [ "$(field "status_${expected%%=*}")" = "${expected#*=}" ] || fail "while acting, $expected was expected"
    done
    if [ "$copy" = suid ]; then
        [ "$(field status_CapBnd)" = 0000000000000000 ] || fail "the setuid copy kept a bounding set"
    else
        [ "$(field status_CapBnd)" = "$bounding_at_exec" ] || fail "the bounding set changed unexpectedly"
    fi
    expect_attached
}

# The broker copy never holds a privilege: not at exec, not while it holds the tap (the broker's
# child made it); what the caller can inspect or steal from its helper is only its own.
broker_copy_holds_nothing() {
    hostile --stop-at=exec --status
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught at exec"
    local expected
    for expected in "Uid=65534 65534 65534 65534" CapPrm=0000000000000000 CapEff=0000000000000000; do
        [ "$(field "status_${expected%%=*}")" = "${expected#*=}" ] || fail "at exec, $expected was expected"
    done
    hostile --stop-at=send --status
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught while handing the tap on"
    for expected in "Uid=65534 65534 65534 65534" "Gid=65534 65534 65534 65534" "Groups=" \
        CapInh=0000000000000000 CapPrm=0000000000000000 CapEff=0000000000000000 \
        CapAmb=0000000000000000 NoNewPrivs=1; do
        [ "$(field "status_${expected%%=*}")" = "${expected#*=}" ] || fail "while handing the tap on, $expected was expected"
    done
    expect_attached
}

# Through the broker, what acts with CAP_NET_ADMIN is the broker's child, running as the caller:
# it is caught while acting (blocked on a full /dev/log, writing the tap's audit line, which goes
# out before the fd) and must be just as closed to the caller, and hold CAP_NET_ADMIN alone.
broker_child_not_inspectable_while_acting() {
    private_dev_with_log
    OUT=$(python3 - "$bin/bridge-helper-probe" "$helper" <<'PY' 2>&1
import os, socket, subprocess, sys, time
log = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); log.bind("/dev/log"); os.chmod("/dev/log", 0o666)
filler = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); filler.setblocking(False)
try:
    while True: filler.sendto(b"x" * 1024, "/dev/log")
except BlockingIOError: pass
probe = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, user=65534, group=65534, extra_groups=[])
def child():
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = open(f"/proc/{pid}/status").read()
            if "Name:\tswift-bridge-he" in status and "\nUid:\t65534\t" in status: return pid, status
        except OSError: pass
for _ in range(500):
    found = child()
    if found: break
    time.sleep(0.01)
else: sys.exit("the broker's child was never seen acting")
pid, status = found
time.sleep(0.2)  # blocked in the audit line's send by now
print(f"proc_owner={os.stat(f'/proc/{pid}/environ').st_uid}")
read = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "cat", f"/proc/{pid}/environ"],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(f"caller_read={read.returncode}")
for line in open(f"/proc/{pid}/status"):
    key, _, value = line.partition(":")
    if key in ("Uid", "CapEff", "CapPrm", "CapBnd", "NoNewPrivs"): print(f"status_{key}={' '.join(value.split())}")
log.setblocking(False)
try:
    while True: log.recv(65536)
except BlockingIOError: pass
out, _ = probe.communicate(timeout=20)
print(out.decode(), end="")
PY
) || fail "the probe run failed"
    [ "$(field proc_owner)" = 0 ] || fail "/proc/PID of the broker's acting child is not root's (dumpable?)"
    [ "$(field caller_read)" != 0 ] || fail "the caller could read the broker's child's /proc/PID/environ"
    local expected
    for expected in "Uid=65534 65534 65534 65534" CapPrm=0000000000001000 CapEff=0000000000001000 \
        CapBnd=0000000000000000 NoNewPrivs=1; do
        [ "$(field "status_${expected%%=*}")" = "${expected#*=}" ] || fail "while the broker's child acts, $expected was expected"
    done
    [ "$(field fds)" = 1 ] || fail "no tap once the log was drained"
    no_taps_left
}
case_not_inspectable_while_acting() {
    # Non-dumpable: the caller, same uid, cannot read the memory or environment of its
    # helper while it holds CAP_NET_ADMIN (its /proc files belong to root).
    conf 'allow br0'
    if [ "$copy" = broker ]; then broker_child_not_inspectable_while_acting; return; fi
    hostile --stop-at=send --while-stopped="stat -c %u /proc/\$HELPER_PID/environ >$WORLD/tmp/owner;
        setpriv --reuid=65534 --regid=65534 --clear-groups -- cat /proc/\$HELPER_PID/environ >/dev/null 2>&1;
        echo \$? >$WORLD/tmp/status"
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught while acting"
    [ "$(cat "$WORLD/tmp/owner")" = 0 ] || fail "/proc/PID of the helper is not root's (dumpable?)"
    [ "$(cat "$WORLD/tmp/status")" != 0 ] || fail "the caller could read its helper's /proc/PID/environ"
    expect_attached
}

# ---- the audit log -----------------------------------------------------------------------

# A private /dev (this world's mount namespace only) whose `log' is our socket.
private_dev_with_log() {
    mount -t tmpfs -o mode=755 sbh-dev /dev || fail "cannot mount a private /dev"
    mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 && mknod -m 666 /dev/urandom c 1 9 \
        && mkdir /dev/net && mknod -m 666 /dev/net/tun c 10 200 || fail "cannot populate the private /dev"
}
# expect_audit PRIORITY TEXT: exactly one line, from us, at LOG_AUTHPRIV|PRIORITY, with TEXT.
expect_audit() {
    local lines; lines=$(sed -n 's/^syslog=//p' <<<"$OUT")
    [ "$(grep -c . <<<"$lines")" = 1 ] || fail "expected exactly one audit line"
    [[ "$lines" == "<$1>"* ]] || fail "priority is not <$1> (authpriv = 10<<3)"
    grep -qE '^<[0-9]+>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} swift-bridge-helper\[[0-9]+\]: ' <<<"$lines" \
        || fail "not tagged swift-bridge-helper[PID]"
    grep -qF -- "$2" <<<"$lines" || fail "the audit line lacks: $2"
}
# audited PRIORITY TEXT [OPTION ...]: one hostile run with our /dev/log, then expect_audit.
audited() {
    local priority=$1 text=$2
    shift 2
    hostile --syslog=/dev/log "$@"
    expect_audit "$priority" "$text"
}
case_audit_allowed() {
    private_dev_with_log
    conf '# a comment' 'allow br0'
    audited 85 "uid=65534 bridge=br0 allowed by /etc/qemu/bridge.conf:2 tap=tap0"
}
case_audit_denied_by_rule() {
    private_dev_with_log
    conf 'allow all' 'deny br0'
    audited 84 "uid=65534 bridge=br0 denied by /etc/qemu/bridge.conf:2"
}
case_audit_denied_in_include() {
    private_dev_with_log
    conf 'allow all' 'include /etc/qemu/deny.conf'
    acl_file /etc/qemu/deny.conf '' 'deny br0'
    audited 84 "uid=65534 bridge=br0 denied by /etc/qemu/deny.conf:2"
}
case_audit_default_deny() { private_dev_with_log; conf 'allow br1'; audited 84 "uid=65534 bridge=br0 denied: no rule allows it"; }
case_audit_parse_failure() {
    private_dev_with_log
    conf 'allow br0' 'permit br0'
    audited 84 "uid=65534 bridge=br0 denied: the acl file failed to parse"
}
case_audit_allowed_then_failed() {
    private_dev_with_log
    conf 'allow br0'
    if [ "$copy" = broker ]; then
        # The forwarding helper checks the --fd socket before it asks (BrokerClient.forward):
        # nothing is decided, made or logged for a recipient that cannot take the fd.
        hostile --syslog=/dev/log --fd-kind=pipe
        expect_refused "failed to write fd to unix socket: Socket operation on non-socket" "nothing was created"
        [ -z "$(sed -n 's/^syslog=//p' <<<"$OUT")" ] || fail "an audit line for a request the broker never saw"
        return
    fi
    audited 84 "uid=65534 bridge=br0 allowed by /etc/qemu/bridge.conf:1, failed: failed to write fd to unix socket" --fd-kind=pipe
}
case_audit_line_before_the_fd() {
    # Killed while it sends the fd: the line is already written (it goes out before the fd).
    private_dev_with_log
    conf 'allow br0'
    hostile --syslog=/dev/log --stop-at=send --signal=9
    [ "$(field stopped)" = 1 ] || fail "the helper was not caught at sendmsg"
    expect_audit 85 "uid=65534 bridge=br0 allowed by /etc/qemu/bridge.conf:1 tap=tap"
    no_taps_left
}
case_audit_low_nofile() {
    # No limit on open files gives a tap without its line: where the log socket does not fit,
    # the request is refused with no line; where the ACL does not fit, refused with a line
    # saying so; from nofile_minimum on, a tap and its line.
    private_dev_with_log
    conf 'allow br0'
    local n
    if [ "$copy" = broker ]; then
        # The caller's limit never reaches the broker's log: a tap always comes with its line.
        broker_nofile_sweep expect_attached_and_audited
        return
    fi
    for n in 3 4 5 6 7 8 9 10 12 16; do
        hostile --syslog=/dev/log "--nofile=$n"
        if ((n < 5)); then
            expect_refused "failed to connect to the system log /dev/log: Too many open files"
            [ -z "$(sed -n 's/^syslog=//p' <<<"$OUT")" ] || fail "a line although the log was not connected"
        elif ((n < acl_nofile_minimum)); then
            expect_acl_refused "/etc/qemu/bridge.conf: Too many open files"
            expect_audit 84 "uid=65534 bridge=br0 denied: the acl file failed to parse"
        elif ((n < nofile_minimum)); then
            expect_refused "$tun_failure"
            expect_audit 84 "uid=65534 bridge=br0 allowed by /etc/qemu/bridge.conf:1, failed: $tun_failure"
        else
            expect_attached
            expect_audit 85 "allowed by /etc/qemu/bridge.conf:1 tap=tap"
        fi
    done
}
expect_attached_and_audited() { expect_attached; expect_audit 85 "allowed by /etc/qemu/bridge.conf:1 tap=tap"; }
case_audit_escapes_caller_bytes() {
    # ESC sequences, DEL, NEL and U+2028 from the caller reach the log as \xNN.
    private_dev_with_log
    conf 'allow all'
    hostile --syslog=/dev/log -- --use-vnet --fd=@FD $'--br=\e[2J\x7f\xc2\x85\xe2\x80\xa8\\'
    expect_refused
    # hostile-caller prints what it receives with \xNN for anything unprintable, its own
    # backslash too: a byte we escaped arrives as `\xNN' text, shown as \x5cxNN.
    expect_audit 84 'bridge=\x5cx1b[2J\x5cx7f\x5cxc2\x5cx85\x5cxe2\x5cx80\x5cxa8\x5cx5c allowed by /etc/qemu/bridge.conf:1, failed'
    grep -qF 'syslog=<84>' <<<"$OUT" && ! grep -q 'syslog=.*bridge=\\x1b' <<<"$OUT" || fail "an ESC byte reached the log unescaped"
}
case_audit_no_log_socket() {
    # A host with no system log at all: the helper goes on and says so.
    private_dev_with_log
    conf 'allow br0'
    hostile
    [ "$(field fds)" = 1 ] || fail "refused on a host without a system log"
    local note="swift-bridge-helper: note: no system log at /dev/log (No such file or directory): this request is not audited"
    if [ "$copy" = broker ]; then
        # The broker's child says so, in the service's journal; the caller sees a plain success.
        grep -qF "$note" "$WORLD/tmp/broker.log" || fail "no note in the broker's log that the request is not audited"
    else
        grep -qF "$note" <<<"$(stderr_text)" || fail "no note that the request is not audited"
    fi
    expect_attached
}
case_audit_log_not_permitted() {
    # A log the caller may not write to (mode 0600, or an LSM refusing): refused, not unlogged.
    private_dev_with_log
    conf 'allow br0'
    hostile --syslog=/dev/log --stop-at=exec --while-stopped='chmod 0600 /dev/log'
    expect_refused "failed to connect to the system log /dev/log: Permission denied" "nothing was created"
}

# ---- max=N: a rule's quota of taps held at once, per caller uid ----------------------------

# hold NAME [UID [ENV=VALUE ...]]: a probe (as UID, default 65534) that keeps its tap while
# $WORLD/tmp/hold exists; waits for its report, in $WORLD/tmp/NAME.
hold() {
    local name=$1 uid=${2:-65534}; shift; [ $# = 0 ] || shift
    touch "$WORLD/tmp/hold"
    env PROBE_HOLD_WHILE="$WORLD/tmp/hold" "$@" setpriv --reuid="$uid" --regid="$uid" --clear-groups -- \
        "$bin/bridge-helper-probe" "$helper" >"$WORLD/tmp/$name" 2>&1 &
    HOLDERS+=($!)
    wait_report "$name"
}
wait_report() {
    for _ in $(seq 500); do grep -q '^fds=' "$WORLD/tmp/$1" 2>/dev/null && return 0; sleep 0.01; done
    fail "the probe $1 reported nothing"
}
held() { grep -q '^fds=1$' "$WORLD/tmp/$1"; }
# release: every holder lets go, and its tap is gone.
release() { rm -f "$WORLD/tmp/hold"; wait "${HOLDERS[@]}" 2>/dev/null; HOLDERS=(); no_taps_left; }
HOLDERS=() TAPS_BEFORE=0
quota_refusal() { echo "access denied: uid $1 already holds $2 taps on bridge \`br0', and the rule at /etc/qemu/bridge.conf:$3 allows $4 (max=$4)"; }
marked_ports() { ip -d -o link show master br0 | grep -c "alias swift-bridge-helper uid=$1" || true; }

case_quota_refuses_beyond_max_until_a_tap_is_released() {
    conf 'require options' 'allow br0 max=2'
    hold a; held a || fail "first tap refused: $(cat "$WORLD/tmp/a")"
    hold b; held b || fail "second tap refused: $(cat "$WORLD/tmp/b")"
    TAPS_BEFORE=2; probe
    expect_quota_refused "$(quota_refusal 65534 2 2 2)"
    grep -qxF "  nothing was created" <<<"$OUT" || fail "no hint that nothing was created"
    kill "${HOLDERS[0]}"; wait "${HOLDERS[0]}" 2>/dev/null
    for _ in $(seq 100); do [ "$(marked_ports 65534)" = 1 ] && break; sleep 0.02; done
    hold c; held c || fail "refused after a tap was released: $(cat "$WORLD/tmp/c")"
    release
}
case_quota_is_per_user() {
    conf 'require options' 'allow br0 max=1'
    hold a 65534; held a || fail "65534's first tap refused"
    hold b 65533; held b || fail "65533 was charged for 65534's tap: $(cat "$WORLD/tmp/b")"
    hold c 65533; ! held c || fail "65533 got a second tap under max=1"
    grep -qF "$(quota_refusal 65533 1 2 1 | sed 's/1 taps/1 tap/')" "$WORLD/tmp/c" || fail "no quota message: $(cat "$WORLD/tmp/c")"
    release
}
case_quota_of_a_user_rule() {
    # The first matching allow rule decides: nobody is held to 1, another user to nothing.
    conf 'require options' 'allow br0 user=nobody max=1' 'allow br0'
    hold a 65534; held a || fail "nobody's first tap refused"
    hold b 65534; ! held b || fail "nobody got a second tap under max=1"
    hold c 65533; hold d 65533; held c && held d || fail "a user the max=1 rule is not about was limited"
    release
}
case_quota_owner_group_and_mark_read_back() {
    conf 'require options' 'allow br0 max=4'
    hold a; held a || fail "refused"
    grep -qx 'owner=65534' "$WORLD/tmp/a" && grep -qx 'group=65534' "$WORLD/tmp/a" \
        || fail "the kernel does not record the caller as owner and group: $(cat "$WORLD/tmp/a")"
    grep -qx 'alias=swift-bridge-helper uid=65534' "$WORLD/tmp/a" || fail "no mark: $(cat "$WORLD/tmp/a")"
    release
}
case_quota_counts_the_mark_not_the_owner_a_holder_sets() {
    # Any holder may TUNSETOWNER its tap: moving it to another uid neither frees our quota
    # nor charges theirs.
    conf 'require options' 'allow br0 max=1'
    hold a 65534 PROBE_SET_OWNER=65533; held a || fail "refused"
    grep -qx 'set_owner_result=0' "$WORLD/tmp/a" || fail "the kernel refused the holder's TUNSETOWNER: the case checks nothing"
    grep -qx 'owner=65533' "$WORLD/tmp/a" || fail "the owner did not change: $(cat "$WORLD/tmp/a")"
    hold b 65534; ! held b || fail "a changed owner let 65534 past max=1"
    hold c 65533; held c || fail "65533 was charged for a tap 65534 re-owned: $(cat "$WORLD/tmp/c")"
    release
}
case_quota_counts_a_tap_its_holder_made_persistent() {
    conf 'require options' 'allow br0 max=1'
    env PROBE_PERSIST=1 setpriv --reuid=65534 --regid=65534 --clear-groups -- "$bin/bridge-helper-probe" "$helper" \
        >"$WORLD/tmp/a" 2>&1 || fail "the probe failed"
    grep -qx 'persist_result=0' "$WORLD/tmp/a" || fail "the holder could not make its tap persistent: $(cat "$WORLD/tmp/a")"
    [ "$(marked_ports 65534)" = 1 ] || fail "the persistent tap is not on the bridge"
    TAPS_BEFORE=1; probe
    expect_quota_refused "$(quota_refusal 65534 1 2 1 | sed 's/1 taps/1 tap/')"
    ip link delete "$(sed -n 's/^tap=//p' "$WORLD/tmp/a")"
    probe; expect_attached_probe_once
}
# expect_quota_refused TEXT: the probe's helper refused with TEXT, sent no fd, and the taps
# held before are all there is (nothing new was left).
expect_quota_refused() {
    local before=$TAPS_BEFORE
    [ "$(field exit)" = 1 ] && [ "$(field fds)" = 0 ] || fail "not refused"
    grep -qF -- "$1" <<<"$OUT" || fail "no message: $1"
    [ "$(ip -o link show type tun | wc -l)" = "$before" ] || fail "the refusal left a tap"
    no_helper_left
}
expect_attached_probe_once() { [ "$(field fds)" = 1 ] || fail "refused after the persistent tap was removed"; no_taps_left; }
case_quota_32_starts_at_once_never_pass_max_4() {
    conf 'require options' 'allow br0 max=4'
    touch "$WORLD/tmp/hold"
    for round in 1 2 3; do
        local i granted
        for i in $(seq 32); do
            env PROBE_HOLD_WHILE="$WORLD/tmp/hold" setpriv --reuid=65534 --regid=65534 --clear-groups -- \
                "$bin/bridge-helper-probe" "$helper" >"$WORLD/tmp/r$i" 2>&1 &
            HOLDERS+=($!)
        done
        for i in $(seq 32); do wait_report "r$i"; done
        granted=$(cat "$WORLD"/tmp/r* | grep -c '^fds=1$')
        [ "$granted" -le 4 ] || fail "round $round: $granted of 32 racing starts passed max=4"
        [ "$granted" -ge 1 ] || fail "round $round: every start was refused"
        [ "$(marked_ports 65534)" = "$granted" ] || fail "round $round: $(marked_ports 65534) ports for $granted grants"
        grep -L '^fds=1$' "$WORLD"/tmp/r* | xargs grep -L "already holds" | grep -q . \
            && fail "round $round: a refusal without the quota message"
        release
        rm -f "$WORLD"/tmp/r*; touch "$WORLD/tmp/hold"
    done
    rm -f "$WORLD/tmp/hold"
}
case_quota_refusal_is_audited() {
    private_dev_with_log
    conf 'require options' 'allow br0 max=1'
    hold a; held a || fail "refused"
    TAPS_BEFORE=1; hostile --syslog=/dev/log
    expect_quota_refused "$(quota_refusal 65534 1 2 1 | sed 's/1 taps/1 tap/')"
    expect_audit 84 'denied by /etc/qemu/bridge.conf:2 (max=1): uid 65534 holds 1'
    release
}

# ---- what cannot apply through the broker ------------------------------------------------

# Each with the reason, printed as `SKIP-BY-DESIGN case/broker: reason'.
declare -A broker_skips=()

# ---- dispatch ----------------------------------------------------------------------------

if [ "${1:-}" = --list ]; then
    declare -F | sed -n 's/^declare -f case_//p' | tr _ -
    exit 0
fi
[ $# = 3 ] || { echo "usage: cases.sh BIN_DIR cap|suid|broker CASE | --list" >&2; exit 2; }
bin=$1 copy=$2
case_function=case_$(tr - _ <<<"$3")
declare -F "$case_function" >/dev/null || fail "no such case: $3"
world_install "$bin/swift-bridge-helper" h
if [ "$copy" = broker ]; then
    if [ -n "${broker_skips[$3]:-}" ]; then echo "${broker_skips[$3]}"; exit 77; fi
    # The broker must not outlive the world (its process would keep the namespaces alive);
    # SIGKILL: systemd-socket-activate blocks every other signal and the daemon inherits that.
    trap 'kill -KILL "$(cat "$WORLD/tmp/broker.pid" 2>/dev/null)" 2>/dev/null || true' EXIT
    world_start_broker "$bin/swift-bridge-helperd" "$bin/swift-bridge-helper" h || fail "the broker did not start"
fi
helper=$WORLD/bin/h-$copy
"$case_function"
