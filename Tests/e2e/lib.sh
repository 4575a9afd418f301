# Host-side helpers for the e2e suite, used inside a scripts/with-world world (needs $WORLD and
# as_user): start QEMU guests as the unprivileged user, drive the agent in their /init
# (Tests/e2e/guest-init) over the serial console, inspect the taps, report PASS/FAIL.
# Sourced by Tests/e2e/run and Tests/e2e/libvirt-session; see e2e_in_world at the end.
# shellcheck shell=bash

E2E_QEMU=${E2E_QEMU:-qemu-system-x86_64}
E2E_QEMU_TIMEOUT=${E2E_QEMU_TIMEOUT:-180}   # hard limit on each QEMU's life, whatever happens
E2E_BOOT_TIMEOUT=${E2E_BOOT_TIMEOUT:-90}    # boot to SBH-READY (two TCG guests share 2 cores)

# Optional, for one guest: a command QEMU runs under (it execs QEMU: swift-bridge-tap), the
# guest's vCPUs, and more virtio-net-pci options (",mq=on,vectors=10").
[[ -v E2E_QEMU_WRAPPER ]] || E2E_QEMU_WRAPPER=()
E2E_SMP=${E2E_SMP:-1} E2E_NIC_OPTIONS=${E2E_NIC_OPTIONS:-}

declare -A G_PID=() G_FD=()
G_COUNT=0    # guests started in this world: makes unique MAC addresses

# ---- reporting -----------------------------------------------------------------------------------
E2E_FAILED=0
pass() { echo "PASS $E2E_SCENARIO: $1"; }
fail() { echo "FAIL $E2E_SCENARIO: $1: $2"; E2E_FAILED=$((E2E_FAILED + 1)); }
note() { echo "     $E2E_SCENARIO: $*"; }
# check NAME CMD...  -> PASS if CMD succeeds (with its last output line as detail), else FAIL with
# its output as the reason. CMD runs in a subshell: it must not start or stop guests.
check() {
    local name=$1 out status=0; shift
    out=$("$@" 2>&1) || status=$?
    if [ $status -eq 0 ]; then
        pass "$name${out:+ ($(tail -n 1 <<<"$out"))}"
    else
        fail "$name" "$(tr '\n' ' ' <<<"$out")(status $status)"
    fi
    return $status
}

# ---- QEMU ----------------------------------------------------------------------------------------
# The QEMU command line every guest shares: TCG, tiny, no default devices, serial on stdio, no
# iPXE option ROM (we boot -kernel), run as the unprivileged user under a hard time limit.
# timeout --foreground stays in our job's process group (see guest_start) instead of making its own.
qemu_cmd() {  # NAME KERNEL-ARGS NETDEV -> sets the array QEMU_ARGV
    local name=$1 append=$2 netdev=$3 mac
    G_COUNT=$((G_COUNT + 1))
    mac=$(printf '52:54:00:e2:e0:%02x' "$G_COUNT")
    # "-netdev TYPE,rest" -> "TYPE,id=n0,rest" (the helper string may contain spaces, never commas)
    QEMU_ARGV=(as_user timeout --foreground -k 5 "$E2E_QEMU_TIMEOUT" "${E2E_QEMU_WRAPPER[@]}" "$E2E_QEMU"
        -name "$name" -accel tcg -m 256 -smp "$E2E_SMP" -nodefaults -no-reboot -display none -serial stdio
        -kernel "$E2E_GUEST/vmlinuz" -initrd "$E2E_GUEST/initrd.gz"
        -append "console=ttyS0 loglevel=1 panic=-1 sbh.idle=$E2E_QEMU_TIMEOUT sbh.name=$name $append"
        -netdev "${netdev%%,*},id=n0,${netdev#*,}" -device "virtio-net-pci,netdev=n0,mac=$mac,romfile=$E2E_NIC_OPTIONS")
}

# guest_start NAME IP/PREFIX MTU NETDEV   (MTU "" = leave the guest's default)
# Starts QEMU in the background; its serial output goes to $E2E_SCRATCH/NAME.log, its stderr
# (and the helper's) to NAME.err, and we keep the write end of a fifo that is its serial input.
guest_start() {
    local name=$1 ip=$2 mtu=$3 netdev=$4 fifo=$E2E_SCRATCH/$1.in fd
    qemu_cmd "$name" "sbh.ip=$ip${mtu:+ sbh.mtu=$mtu}" "$netdev"
    mkfifo "$fifo"
    exec {fd}<>"$fifo"     # read-write open of a fifo does not block; QEMU's read open then succeeds
    # Job control only for this launch: the job gets its own process group, so that
    # kill -- -PID reaches QEMU through the as_user function's subshell and timeout.
    set -m
    "${QEMU_ARGV[@]}" <"$fifo" >"$E2E_SCRATCH/$name.log" 2>"$E2E_SCRATCH/$name.err" {fd}>&- &
    G_PID[$name]=$!
    set +m
    G_FD[$name]=$fd
}

# qemu_run_to_end NAME NETDEV -> runs QEMU in the foreground (for setups the helper must refuse,
# where QEMU stops before booting); returns QEMU's exit status, stderr in $E2E_SCRATCH/NAME.err.
qemu_run_to_end() {
    local name=$1 netdev=$2 status=0
    qemu_cmd "$name" "" "$netdev"
    "${QEMU_ARGV[@]}" </dev/null >"$E2E_SCRATCH/$name.log" 2>"$E2E_SCRATCH/$name.err" || status=$?
    return $status
}

guest_alive() { kill -0 "${G_PID[$1]}" 2>/dev/null; }
# The serial log without the CRs of the tty.
guest_log() { tr -d '\r' <"$E2E_SCRATCH/$1.log"; }
guest_err() { cat "$E2E_SCRATCH/$1.err"; }

# guest_wait_ready NAME... -> 0 when every guest printed SBH-READY; else names what went wrong.
guest_wait_ready() {
    local deadline=$((SECONDS + E2E_BOOT_TIMEOUT)) name pending
    while :; do
        pending=()
        for name in "$@"; do
            guest_log "$name" | grep -q "^SBH-READY $name " && continue
            if ! guest_alive "$name"; then
                echo "$name: QEMU exited before the guest was ready: $(guest_err "$name" | tail -n 3 | tr '\n' ' ')$(guest_log "$name" | grep -a 'SBH-FATAL' | head -n 1)"
                return 1
            fi
            pending+=("$name")
        done
        [ ${#pending[@]} -gt 0 ] || return 0
        [ $SECONDS -lt $deadline ] || { echo "${pending[*]}: not ready after ${E2E_BOOT_TIMEOUT}s"; return 1; }
        sleep 0.2
    done
}

# guest_run NAME TIMEOUT COMMAND -> prints the command's output (from the guest), returns its status
# (124 on timeout, 125 if the guest died).
guest_run() {
    local name=$1 limit=$2 cmd=$3 id deadline
    id=${BASHPID}_${EPOCHREALTIME/./}   # unique even when called from different subshells
    deadline=$((SECONDS + limit))
    printf '%s %s\n' "$id" "$cmd" 1>&"${G_FD[$name]}"
    until guest_log "$name" | grep -q "^SBH-RC $id "; do
        guest_alive "$name" || { echo "(guest $name died)"; return 125; }
        [ $SECONDS -lt $deadline ] || { echo "(timed out after ${limit}s)"; return 124; }
        sleep 0.2
    done
    guest_log "$name" | sed -n "/^SBH-BEGIN $id\$/,/^SBH-RC $id /{/^SBH-/d;p}"
    return "$(guest_log "$name" | sed -n "s/^SBH-RC $id \([0-9]*\).*/\1/p")"
}

# guest_stop NAME -> asks the guest to power off, returns QEMU's exit status (124 if it hung).
guest_stop() {
    local name=$1 pid=${G_PID[$1]} fd=${G_FD[$1]} deadline=$((SECONDS + 30)) status=0
    printf '0 bye\n' 1>&"$fd" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" || status=$?
    exec {fd}>&-
    unset "G_PID[$name]"
    return $status
}

# Run from an EXIT trap: nothing may outlive the world (a QEMU would keep its namespace alive).
guests_kill_all() {
    local name
    for name in "${!G_PID[@]}"; do kill -KILL -- "-${G_PID[$name]}" 2>/dev/null || true; done
    wait 2>/dev/null || true
}

# ---- the host side of the taps -------------------------------------------------------------------
# One line per tun/tap device: NAME MASTER MTU MAC UP VNET_HDR TYPE
taps() {
    ip -j -d link show | jq -r '.[] | select(.linkinfo.info_kind == "tun")
        | [.ifname, (.master // "-"), .mtu, .address, (if (.flags | index("UP")) then "up" else "down" end),
           (.linkinfo.info_data.vnet_hdr // "?"), (.linkinfo.info_data.type // "?")] | join(" ")'
}

# taps_ok BRIDGE COUNT MTU -> every tap is a tap%d on BRIDGE, up, MTU, MAC fe:..., vnet header on;
# there are exactly COUNT of them. Prints what is wrong.
taps_ok() {
    local br=$1 count=$2 mtu=$3 lines n=0 bad=0 name master tmtu mac up vnet type
    local want="tap[0-9]+ $br $mtu fe:.* up true tap"
    lines=$(taps)
    while read -r name master tmtu mac up vnet type; do
        [ -n "$name" ] || continue
        n=$((n + 1))
        if ! [[ "$name $master $tmtu $mac $up $vnet $type" =~ ^$want$ ]]; then
            echo "tap '$name master=$master mtu=$tmtu mac=$mac $up vnet_hdr=$vnet type=$type' (want $want)"
            bad=1
        fi
    done <<<"$lines"
    [ $n -eq "$count" ] || { echo "$n taps, want $count"; bad=1; }
    return $bad
}

no_taps_left() {
    local left
    left=$(ip -o link show type tun)
    [ -z "$left" ] || { echo "left behind: $left"; return 1; }
}

# ---- world setup ---------------------------------------------------------------------------------
allow() { printf '%s\n' "$@" >/etc/qemu/bridge.conf; }   # /etc/qemu is the world's private tmpfs

# wait_for FILE REGEX SECONDS -> 0 once a line of FILE (CRs dropped) matches
wait_for() {
    local deadline=$((SECONDS + $3))
    until tr -d '\r' <"$1" 2>/dev/null | grep -qE -- "$2"; do
        [ $SECONDS -lt $deadline ] || { echo "no line matching '$2' in $1 after $3s"; return 1; }
        sleep 0.5
    done
}

# e2e_in_world SCENARIO MODE HELPER GUEST-DIR: the entry point inside a world (see driver.sh).
# Installs HELPER as $H (the MODE copy: cap or suid) and the guest from GUEST-DIR as $E2E_GUEST, both
# in the world, runs scenario_SCENARIO, exits 1 on failure.
e2e_in_world() {
    E2E_SCENARIO=$1/$2 E2E_HELPER=$3
    E2E_SCRATCH=$WORLD/tmp/e2e   # logs and fifos; dies with the world
    mkdir -p "$E2E_SCRATCH" && chmod 755 "$E2E_SCRATCH"
    # QEMU runs as uid 65534, which may not be able to enter the checkout (a clone in a 0700 home):
    # it reads the guest from the world instead. The helper is already there (world_install).
    E2E_GUEST=$WORLD/guest
    install -d -m 0755 "$E2E_GUEST" && install -m 0644 "$4/vmlinuz" "$4/initrd.gz" "$E2E_GUEST/" \
        || { echo "FAIL $E2E_SCENARIO: cannot copy the guest from $4 into the world"; exit 1; }
    set +e   # a failed check is reported and the scenario goes on
    trap e2e_cleanup EXIT
    trap 'exit 130' INT TERM   # so that the EXIT trap runs
    world_install "$3" sbh
    # shellcheck disable=SC2034  # the scenarios use it
    H=$WORLD/bin/sbh-$2
    "scenario_$1"
    [ "$E2E_FAILED" -eq 0 ]
    exit
}

# Nothing may outlive the world (a QEMU or daemon would keep its namespace alive). Scripts with
# more to clean up define e2e_cleanup_extra.
e2e_cleanup() {
    if declare -F e2e_cleanup_extra >/dev/null; then e2e_cleanup_extra; fi
    guests_kill_all
}
