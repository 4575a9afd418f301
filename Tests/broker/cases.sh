#!/usr/bin/env bash
# The cases of the broker suite. Tests/broker/run starts each one in a fresh world:
#   cases.sh BIN_DIR CASE   exit 0 = pass; otherwise the first output line says why
#   cases.sh --list         the case names
# Inside a world (scripts/with-world): bridges br0 and br1, a private /etc/qemu, the broker
# (swift-bridge-helperd) started as its socket unit would start it, with its own process
# group, and $WORLD/bin/h-broker: a plain copy of the helper, no privilege, that forwards to
# it. $WORLD/bin/h-cap is a cap_net_admin+ep copy, to compare messages with. Callers run as
# uid/gid 65534 unless a case says otherwise. After every case: no tap is left, the broker
# still hands out a tap, no child of the broker is left, and the broker is killed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
socket=/run/swift-bridge-helper/io.swiftbridgehelper.Bridge

# ---- tools ------------------------------------------------------------------------------

OUT="" ERR=""
fail() {
    echo "$*"
    [ -z "$OUT" ] || sed 's/^/| /' <<<"$OUT"
    [ -z "$ERR" ] || sed 's/^/| stderr: /' <<<"$ERR"
    exit 1
}

field() { sed -n "s/^$1=//p" <<<"$OUT" | head -n1; }
# The helper's stderr without the note a host with no system log gets.
stderr_lines() { grep -v "^swift-bridge-helper: note: no system log at /dev/log " <<<"$ERR"; }

conf() { acl_file /etc/qemu/bridge.conf "$@"; }
acl_file() { local path=$1; shift; printf '%s\n' "$@" >"$path"; chown root:root "$path"; chmod 0644 "$path"; }

# probe_as SETPRIV-IDS HELPER [ARGUMENT ...]: QEMU's side (bridge-helper-probe) as that
# caller; the report goes to $OUT, the helper's stderr to $ERR.
probe_as() {
    local ids=$1; shift
    # shellcheck disable=SC2086  # the ids are setpriv's options, one word each
    OUT=$(setpriv $ids -- "$bin/bridge-helper-probe" "$@" 2>"$WORLD/tmp/stderr") || fail "the probe itself failed"
    ERR=$(cat "$WORLD/tmp/stderr")
}
nobody="--reuid=65534 --regid=65534 --clear-groups"
probe() { probe_as "$nobody" "$@"; }

# client [OPTION|MESSAGE ...]: the raw varlink client (varlink-client) as 65534; report in $OUT.
client() { OUT=$(as_user "$WORLD/bin/varlink-client" "$@" 2>&1) || fail "the varlink client itself failed"; ERR=""; }
replies() { sed -n 's/^reply=//p' <<<"$OUT"; }
# expect_replies JSON ...: exactly these replies (keys sorted, compact), in order.
expect_replies() {
    local expected
    expected=$(printf '%s\n' "$@")
    [ "$(replies)" = "$expected" ] || fail "expected the replies: $expected"
}
# expect_error NAME PARAMETER VALUE: one error reply, NAME with {PARAMETER: VALUE}, and no fd.
expect_error() {
    expect_replies "{\"error\":\"$1\",\"parameters\":{\"$2\":\"$3\"}}"
    [ "$(field reply_fds)" = 0 ] || fail "an error reply came with fds"
    no_taps_left
}
invalid_parameter() { expect_error org.varlink.service.InvalidParameter parameter "$1"; }
# expect_closed: the broker closed the connection without a reply (and without a tap).
expect_closed() {
    [ -z "$(replies)" ] || fail "a reply to a message that is not a varlink call"
    [ "$(field end)" = closed ] || fail "the connection was not closed (end=$(field end))"
    no_taps_left
}

# logged TEXT: the broker's journal (its stderr, $WORLD/tmp/broker.log) has a line with TEXT.
logged() { grep -qF -- "$1" "$WORLD/tmp/broker.log" || fail "the broker's journal lacks: $1"; }

no_taps_left() { local left; left=$(world_taps_gone) || fail "a tap was left: $left"; }

# expect_tap BRIDGE: the probe got one tap fd and the byte 0, from a helper that said nothing.
expect_tap() {
    [ "$(field exit)" = 0 ] || fail "the helper did not succeed"
    [ "$(field fds)" = 1 ] || fail "fds=$(field fds), expected 1"
    [ "$(field data)" = 0 ] || fail "data=$(field data), expected the single byte 0"
    [[ "$(field tap)" == tap* ]] || fail "the fd received is not a tap"
    [ "$(field master)" = "$1" ] || fail "the tap's master is '$(field master)', expected '$1'"
    [ -z "$(stderr_lines)" ] || fail "a message on stderr although it succeeded"
}
# expect_refused [LAST-LINE]: exit 1, no fd, a message (ending with LAST-LINE), no tap.
expect_refused() {
    [ "$(field exit)" = 1 ] || fail "exit=$(field exit)$(field signal), expected 1"
    [ "$(field fds)" = 0 ] || fail "an fd was sent"
    [ -n "$(stderr_lines)" ] || fail "no message on stderr"
    [ -z "${1:-}" ] || [ "$(stderr_lines | tail -n1)" = "$1" ] || fail "the last line is not: $1"
    no_taps_left
}

# hold NAME SETPRIV-IDS: a probe through the broker that keeps its tap while $WORLD/tmp/hold
# exists; waits for its report, in $WORLD/tmp/NAME.
HOLDERS=()
hold() { start_holder "$1" "$2"; wait_report "$1"; }
start_holder() {
    touch "$WORLD/tmp/hold"
    # shellcheck disable=SC2086
    env PROBE_HOLD_WHILE="$WORLD/tmp/hold" setpriv $2 -- "$bin/bridge-helper-probe" "$WORLD/bin/h-broker" \
        >"$WORLD/tmp/$1" 2>&1 &
    HOLDERS+=($!)
}
# hold_many PREFIX COUNT: COUNT holders as 65534 started at once (reports in $WORLD/tmp/PREFIXi);
# GRANTED is how many got a tap.
GRANTED=0
hold_many() {
    local i
    for i in $(seq "$2"); do start_holder "$1$i" "$nobody"; done
    for i in $(seq "$2"); do wait_report "$1$i"; done
    GRANTED=$(cat "$WORLD/tmp/$1"[0-9]* | grep -c '^fds=1$')
}
wait_report() {
    for _ in $(seq 1000); do grep -q '^fds=' "$WORLD/tmp/$1" 2>/dev/null && return 0; sleep 0.01; done
    fail "the probe $1 reported nothing"
}
held() { grep -q '^fds=1$' "$WORLD/tmp/$1"; }
release() { rm -f "$WORLD/tmp/hold"; wait "${HOLDERS[@]}" 2>/dev/null; HOLDERS=(); no_taps_left; }

# ---- the broker's processes --------------------------------------------------------------

BROKER=""
start_broker() {
    rm -f "$socket"
    # Job control on: the broker gets a process group of its own (its pgid is its pid), so
    # that it and its children can be killed together.
    set -m
    world_start_broker "$bin/swift-bridge-helperd" "$bin/swift-bridge-helper" h >/dev/null 2>&1 \
        || { set +m; fail "the broker did not start: $(cat "$WORLD/tmp/broker.log")"; }
    set +m
    BROKER=$(cat "$WORLD/tmp/broker.pid")
}
stop_broker() {
    [ -n "$BROKER" ] || return 0
    kill -KILL -- "-$BROKER" 2>/dev/null
    wait "$BROKER" 2>/dev/null
    BROKER=""
}
broker_processes() { pgrep -f "^$WORLD/bin/swift-bridge-helperd( |\$)"; }
broker_children() { pgrep -P "$BROKER"; }
# wait_children_gone SECONDS: every child of the broker has exited within SECONDS.
wait_children_gone() {
    for _ in $(seq "$(($1 * 20))"); do [ -z "$(broker_children)" ] && return 0; sleep 0.05; done
    fail "a child of the broker is still running after $1 s: $(broker_children | tr '\n' ' ')"
}
# first_child: the pid of a child of the broker, once one exists (waits up to 5 s).
first_child() {
    local child
    for _ in $(seq 250); do
        child=$(broker_children | head -n1)
        [ -n "$child" ] && { echo "$child"; return 0; }
        sleep 0.02
    done
    return 1
}

cleanup() {
    touch "$WORLD/tmp/go"  # waiting clients (waiting_client) go on and end
    [ ${#HOLDERS[@]} = 0 ] || { rm -f "$WORLD/tmp/hold"; kill "${HOLDERS[@]}" 2>/dev/null; }
    [ -z "${SYSLOG:-}" ] || kill "$SYSLOG" 2>/dev/null
    stop_broker
}

# After every case: nothing left, and the broker serves a plain request.
after_case() {
    no_taps_left
    conf 'allow br0'
    OUT="" ERR=""
    probe "$WORLD/bin/h-broker"
    [ "$(field fds)" = 1 ] || fail "after the case the broker no longer hands out a tap: $(tail -n 5 "$WORLD/tmp/broker.log")"
    no_taps_left
    wait_children_gone 3
    stop_broker
    OUT=""
    [ -z "$(broker_processes)" ] || fail "a broker process outlived the broker: $(broker_processes | tr '\n' ' ')"
}

# ---- 1. QEMU's protocol through the broker --------------------------------------------------

case_qemu_protocol_through_the_broker() {
    ip link set br0 mtu 1400
    conf 'allow br0'
    probe "$WORLD/bin/h-broker"
    expect_tap br0
    local expected
    for expected in up=1 mtu=1400 owner=65534 group=65534 vnet_hdr=1 "alias=swift-bridge-helper uid=65534"; do
        grep -qxF "$expected" <<<"$OUT" || fail "expected $expected"
    done
    [[ "$(field mac)" == fe:* ]] || fail "the tap's MAC does not start with fe:"
    no_taps_left
    # Without --use-vnet: no IFF_VNET_HDR.
    probe "$WORLD/bin/h-broker" --fd=@FD --br=br0
    expect_tap br0
    [ "$(field vnet_hdr)" = 0 ] || fail "vnet_hdr=$(field vnet_hdr) without --use-vnet"
    [ "$(field mtu)" = 1400 ] || fail "the tap does not have the bridge's MTU"
    # QEMU's other argument order (--br before --fd).
    probe "$WORLD/bin/h-broker" --use-vnet --br=br0 --fd=@FD
    expect_tap br0
}

# ---- 2. refusals relayed with the helper's own lines ---------------------------------------

# same_refusal_as_the_cap_copy LAST-LINE ARGUMENT ...: the broker copy and the cap copy are
# refused with the same lines.
same_refusal_as_the_cap_copy() {
    local last=$1 cap_lines
    shift
    probe "$WORLD/bin/h-cap" "$@"
    expect_refused "$last"
    cap_lines=$(stderr_lines)
    probe "$WORLD/bin/h-broker" "$@"
    expect_refused "$last"
    [ "$(stderr_lines)" = "$cap_lines" ] || fail "the broker's lines differ from the cap copy's: $cap_lines"
}
case_refusals_relay_the_helpers_lines() {
    conf 'allow br1'
    same_refusal_as_the_cap_copy "access denied by acl file" --use-vnet --fd=@FD --br=br0
    conf 'allow br0' 'permit br0'
    same_refusal_as_the_cap_copy "failed to parse default acl file \`/etc/qemu/bridge.conf'" --use-vnet --fd=@FD --br=br0
    grep -qF "Unknown command \`permit'" <<<"$ERR" || fail "the parse error does not say which line"
    conf 'allow all'
    same_refusal_as_the_cap_copy "" --use-vnet --fd=@FD --br=nosuch0
    grep -qF "nosuch0" <<<"$ERR" || fail "the missing bridge is not named"
    same_refusal_as_the_cap_copy "" --use-vnet --fd=@FD --br=abcdefghijklmnopq
    # No broker to ask: the message of a helper with no privilege, unchanged.
    mv "$socket" "$socket.away"
    probe "$WORLD/bin/h-broker"
    mv "$socket.away" "$socket"
    expect_refused
    grep -qF "swift-bridge-helper has no CAP_NET_ADMIN" <<<"$ERR" || fail "no CAP_NET_ADMIN message without the broker"
    grep -qF "grant it with: setcap cap_net_admin+ep $WORLD/bin/h-broker" <<<"$ERR" || fail "no hint how to grant it"
}

# ---- 3. identities from the kernel's credentials --------------------------------------------

case_identities_from_the_kernels_credentials() {
    conf 'require options' 'allow br0 user=1001'
    probe_as "--reuid=1001 --regid=1001 --clear-groups" "$WORLD/bin/h-broker"
    expect_tap br0
    [ "$(field owner)" = 1001 ] || fail "the tap's owner is $(field owner), not the caller 1001"
    probe_as "--reuid=1002 --regid=1002 --clear-groups" "$WORLD/bin/h-broker"
    expect_refused "access denied by acl file"

    conf 'require options' 'allow br0 group=2001'
    probe_as "--reuid=1003 --regid=1003 --groups=2002,2001" "$WORLD/bin/h-broker"
    expect_tap br0
    probe_as "--reuid=1003 --regid=1003 --groups=2002" "$WORLD/bin/h-broker"
    expect_refused "access denied by acl file"
    probe_as "--reuid=1003 --regid=2001 --clear-groups" "$WORLD/bin/h-broker"
    expect_tap br0

    # An include only group 2001 may read: its deny applies to the group's members only.
    conf 'allow br0' 'include /etc/qemu/group.conf'
    acl_file /etc/qemu/group.conf 'deny br0'
    chown root:2001 /etc/qemu/group.conf
    chmod 0640 /etc/qemu/group.conf
    probe_as "--reuid=1004 --regid=1004 --groups=2001" "$WORLD/bin/h-broker"
    expect_refused "access denied by acl file"
    probe_as "--reuid=1004 --regid=1004 --clear-groups" "$WORLD/bin/h-broker"
    expect_tap br0
    no_taps_left

    # max=1 is counted per caller through the broker.
    conf 'require options' 'allow br0 max=1'
    hold a "$nobody"
    held a || fail "first tap refused: $(cat "$WORLD/tmp/a")"
    probe "$WORLD/bin/h-broker"
    [ "$(field fds)" = 0 ] && [ "$(field exit)" = 1 ] || fail "a second tap under max=1"
    grep -qF "access denied: uid 65534 already holds 1 tap on bridge \`br0'" <<<"$ERR" || fail "no quota message"
    [ "$(ip -o link show type tun | wc -l)" = 1 ] || fail "the refusal left a tap"
    hold b "--reuid=65533 --regid=65533 --clear-groups"
    held b || fail "65533 was charged for 65534's tap: $(cat "$WORLD/tmp/b")"
    release
}

case_quota_races_through_the_broker() {
    # The broker's children decide at the same time: 24 racing starts never pass max=2.
    conf 'require options' 'allow br0 max=2'
    hold_many r 24
    [ "$GRANTED" -le 2 ] || fail "$GRANTED of 24 racing starts passed max=2"
    [ "$GRANTED" -ge 1 ] || fail "every racing start was refused"
    [ "$(ip -o link show master br0 type tun | wc -l)" = "$GRANTED" ] || fail "more taps on br0 than were granted"
    grep -L '^fds=1$' "$WORLD"/tmp/r* | xargs grep -L "already holds" | grep -q . && fail "a refusal without the quota message"
    release
    # A multiqueue tap is one tap: held, it uses the whole of max=1.
    conf 'require options' 'allow br0 max=1'
    as_user "$bin/swift-bridge-tap" --queues=3 br0 -- sh -c "touch $WORLD/tmp/mq-held; while [ -e $WORLD/tmp/mq-held ]; do sleep 0.02; done; : {fds}" &
    HOLDERS+=($!)
    for _ in $(seq 250); do [ -e "$WORLD/tmp/mq-held" ] && break; sleep 0.02; done
    [ -e "$WORLD/tmp/mq-held" ] || fail "swift-bridge-tap --queues=3 under max=1 got no tap"
    probe "$WORLD/bin/h-broker"
    [ "$(field fds)" = 0 ] || { rm -f "$WORLD/tmp/mq-held"; fail "a second tap beside a held multiqueue tap under max=1"; }
    grep -qF "access denied: uid 65534 already holds 1 tap on bridge \`br0'" <<<"$ERR" || fail "no quota message"
    rm -f "$WORLD/tmp/mq-held"
    release
}

# ---- 4. clients that lie --------------------------------------------------------------------

open_tap='io.swiftbridgehelper.Bridge.OpenTap'
call() { printf '{"method":"%s","parameters":%s%s}' "$1" "$2" "${3:-}"; }

case_lies_in_the_call() {
    conf 'allow br0'
    client "$(call $open_tap '{"bridge":"br0"}' ',"extra":1')"
    expect_closed
    logged "closed: not a varlink call: the call has an unknown key \`extra'"
    client --replies=1 "$(call $open_tap '{"bridge":"br0","color":"red"}')"
    invalid_parameter color
    client --replies=1 "$(call $open_tap '{"bridge":5}')"
    invalid_parameter bridge
    client --replies=1 "$(call $open_tap '{}')"
    invalid_parameter bridge
    client --replies=1 "$(call $open_tap '{"bridge":"br0\\u0000x"}')"
    invalid_parameter bridge
    client --replies=1 "$(call $open_tap '{"bridge":"br0","vnetHeader":"yes"}')"
    invalid_parameter vnetHeader
    local queues
    for queues in 0 17 -1 '"4"' 4.5 4e0 true 99999999999999999999; do
        client --replies=1 "$(call $open_tap "{\"bridge\":\"br0\",\"queues\":$queues}")"
        invalid_parameter queues
    done
    client '{"method":5,"parameters":{"bridge":"br0"}}'
    expect_closed
    client "$(call $open_tap '["br0"]')"
    expect_closed
    client '["io.swiftbridgehelper.Bridge.OpenTap"]'
    expect_closed
    # Names the helper refuses: Failed, with the lines the cap copy prints for --br=NAME.
    conf 'allow all'
    local name cap_lines
    for name in 'br0:1' '' 'a/b' 'abcdefghijklmnopq' '.' 'br0 ' 'br%d'; do
        probe "$WORLD/bin/h-cap" --use-vnet --fd=@FD "--br=$name"
        expect_refused
        cap_lines=$(stderr_lines)
        client --replies=1 "$(call $open_tap "{\"bridge\":\"$name\"}")"
        [ "$(replies | jq -r .error)" = io.swiftbridgehelper.Bridge.Failed ] || fail "the name \`$name' was not refused"
        [ "$(replies | jq -r '.parameters.lines[]')" = "$cap_lines" ] || fail "\`$name': not the cap copy's lines"
        no_taps_left
    done
    conf 'allow br0'
    client --replies=1 "$(call io.swiftbridgehelper.Bridge.CloseTap '{"bridge":"br0"}')"
    expect_error org.varlink.service.MethodNotFound method io.swiftbridgehelper.Bridge.CloseTap
    client --replies=1 "$(call io.example.Other.OpenTap '{"bridge":"br0"}')"
    expect_error org.varlink.service.InterfaceNotFound interface io.example.Other
    # A refused call leaves the connection usable: the next call on it is answered.
    client --replies=2 "$(call $open_tap '{"bridge":"br0","queues":0}')" "$(call $open_tap '{"bridge":"br0"}')"
    [ "$(replies | sed -n 2p | jq -r .parameters.tap)" = tap0 ] || fail "no tap for a good call after a refused one"
    [ "$(sed -n 's/^reply_fds=//p' <<<"$OUT" | sed -n 2p)" = 1 ] || fail "the good call's reply has no fd"
}

case_lies_in_the_framing() {
    conf 'allow br0'
    # Over 16384 bytes and no NUL.
    client --no-nul --pad=20000 '{"method":"'
    expect_closed
    logged "closed: a message over 16384 bytes"
    # Nested deeper than the reader allows, inside an otherwise good call and on its own.
    client "$(call $open_tap '{"bridge":"br0","x":[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]}')"
    expect_closed
    client "$(printf '%.0s[' $(seq 8000))"
    expect_closed
    logged "invalid JSON at byte 8: values nest deeper than 8 levels"
    # Not UTF-8, in a string and in a key.
    client "$(call $open_tap '{"bridge":"br\xff0"}')"
    expect_closed
    client "$(call $open_tap '{"\xc0\xafbridge":"br0"}')"
    expect_closed
    [ "$(grep -c "the bytes are not well-formed UTF-8" "$WORLD/tmp/broker.log")" = 2 ] || fail "invalid UTF-8 not logged twice"
    # A key twice (which one would count?), in the parameters and at the top.
    client "$(call $open_tap '{"bridge":"nosuch0","bridge":"br0"}')"
    expect_closed
    client "{\"method\":\"org.varlink.service.GetInfo\",\"method\":\"$open_tap\",\"parameters\":{\"bridge\":\"br0\"}}"
    expect_closed
    [ "$(grep -c "an object has the same key twice" "$WORLD/tmp/broker.log")" = 2 ] || fail "duplicate keys not logged twice"
    # Not JSON at all, and trailing bytes after the object.
    client 'hello'
    expect_closed
    client "$(call $open_tap '{"bridge":"br0"}') x"
    expect_closed
    # A partial call, then the client goes away: the broker's child gives up at once.
    client --no-nul --no-read "$(call $open_tap '{"bridge":"br0"')"
    wait_children_gone 2
    logged "closed: end of file after 77 bytes of a message"
    no_taps_left
    # Two calls in one write: both answered, in order, the tap beside the second reply.
    client "$(call org.varlink.service.GetInfo '{}')\x00$(call $open_tap '{"bridge":"br0"}')"
    [ "$(replies | wc -l)" = 2 ] || fail "two calls in one write did not get two replies"
    [ "$(replies | sed -n 1p | jq -r .parameters.product)" = swift-bridge-helperd ] || fail "the first reply is not GetInfo's"
    [ "$(replies | sed -n 2p | jq -r .parameters.tap)" = tap0 ] || fail "the second reply is not OpenTap's"
    [ "$(sed -n 's/^reply_fds=//p' <<<"$OUT" | tr '\n' ' ')" = "0 1 " ] || fail "the fd did not come with the second reply"
    [ "$(field end)" = closed ] || fail "the connection stayed open after the tap was handed out"
}

case_lies_with_descriptors() {
    conf 'allow br0'
    local marker=$WORLD/tmp/attached-marker
    : >"$marker"
    chmod 0644 "$marker"
    local count
    for count in 1 3; do
        local attach=()
        for _ in $(seq $count); do attach+=("--attach=$marker"); done
        as_user "$WORLD/bin/varlink-client" --linger=2 "${attach[@]}" "$(call $open_tap '{"bridge":"br0"}')" \
            >"$WORLD/tmp/fds.$count" 2>&1 &
        local lingering=$!
        for _ in $(seq 250); do grep -q "^end=" "$WORLD/tmp/fds.$count" 2>/dev/null && break; sleep 0.02; done
        OUT=$(cat "$WORLD/tmp/fds.$count")
        expect_closed
        # While the client still holds its end, no broker process holds what it sent.
        local pid
        for pid in $(broker_processes); do
            ! ls -l "/proc/$pid/fd" 2>/dev/null | grep -qF "$marker" || fail "broker process $pid holds the client's fd"
        done
        wait "$lingering"
    done
    [ "$(grep -c "closed: file descriptors came that were not asked for" "$WORLD/tmp/broker.log")" = 2 ] \
        || fail "the broker did not log the fds it was sent twice"
}

case_client_never_reads_its_replies() {
    conf 'allow br0'
    # 800 calls whose replies (2 KB each) fill the socket, then OpenTap, all in one write; the
    # client never reads. The child's send must time out (10 s), not hang until the alarm.
    local calls=() started child
    for _ in $(seq 800); do
        calls+=("$(call org.varlink.service.GetInterfaceDescription '{"interface":"io.swiftbridgehelper.Bridge"}')")
    done
    calls+=("$(call $open_tap '{"bridge":"br0"}')")
    as_user "$WORLD/bin/varlink-client" --no-read --linger=13 "${calls[@]}" >"$WORLD/tmp/unread" 2>&1 &
    local lingering=$!
    child=$(first_child) || fail "no child served the client"
    started=$SECONDS
    while kill -0 "$child" 2>/dev/null && [ $((SECONDS - started)) -le 12 ]; do sleep 0.1; done
    ! kill -0 "$child" 2>/dev/null || fail "the child still runs 12 s after the client stopped reading"
    logged "swift-bridge-helperd: cannot reply: "
    no_taps_left
    kill "$lingering" 2>/dev/null
    wait "$lingering" 2>/dev/null
}

case_client_never_reads_a_tap() {
    # The reply and its fd sit unread in the client's socket: the tap lives while the client
    # holds the connection, and goes when it closes it.
    conf 'allow br0'
    as_user "$WORLD/bin/varlink-client" --no-read --linger=1 "$(call $open_tap '{"bridge":"br0"}')" \
        >"$WORLD/tmp/unread" 2>&1 &
    local lingering=$!
    for _ in $(seq 50); do [ -n "$(ip -o link show type tun)" ] && break; sleep 0.02; done
    [ -n "$(ip -o link show master br0 type tun)" ] || fail "no tap was made for the unread reply"
    wait "$lingering"
    no_taps_left
}

case_oneway_more_and_upgrade_refused() {
    conf 'allow br0'
    local flag
    for flag in oneway more upgrade; do
        client --replies=1 --timeout=5 "$(call $open_tap '{"bridge":"br0"}' ",\"$flag\":true")"
        expect_error org.varlink.service.MethodNotImplemented method $open_tap
    done
    # false is a plain call.
    client "$(call $open_tap '{"bridge":"br0"}' ',"oneway":false,"more":false')"
    [ "$(replies | jq -r .parameters.tap)" = tap0 ] || fail "oneway:false was not served as a plain call"
    client "$(call $open_tap '{"bridge":"br0"}' ',"oneway":"yes"')"
    expect_closed
}

# ---- 5. the service interface ----------------------------------------------------------------

case_service_interface_answered() {
    client --replies=1 "$(call org.varlink.service.GetInfo '{}')"
    [ "$(replies | jq -c '.parameters.interfaces')" = '["org.varlink.service","io.swiftbridgehelper.Bridge"]' ] \
        || fail "GetInfo does not list both interfaces"
    [ "$(replies | jq -r '.parameters.vendor')" = swift-bridge-helper ] || fail "GetInfo's vendor"
    client --replies=1 "$(call org.varlink.service.GetInterfaceDescription '{"interface":"io.swiftbridgehelper.Bridge"}')"
    replies | jq -r .parameters.description | grep -q '^method OpenTap(' || fail "the description has no method OpenTap"
    replies | jq -r .parameters.description | grep -qx 'interface io.swiftbridgehelper.Bridge' || fail "not our interface"
    client --replies=1 "$(call org.varlink.service.GetInterfaceDescription '{"interface":"org.varlink.service"}')"
    replies | jq -r .parameters.description | grep -q '^method GetInfo()' || fail "no description of org.varlink.service"
    client --replies=1 "$(call org.varlink.service.GetInterfaceDescription '{"interface":"io.example.Nothing"}')"
    expect_error org.varlink.service.InterfaceNotFound interface io.example.Nothing
    client --replies=1 "$(call org.varlink.service.GetInfo '{"verbose":true}')"
    invalid_parameter verbose
    # systemd's client, where the host has one (systemd >= 255).
    if command -v varlinkctl >/dev/null; then
        OUT=$(as_user varlinkctl introspect "unix:$socket" io.swiftbridgehelper.Bridge 2>&1) \
            || fail "varlinkctl introspect failed"
        grep -q 'method OpenTap' <<<"$OUT" || fail "varlinkctl introspect shows no OpenTap"
    fi
}

# ---- 6. another network namespace ------------------------------------------------------------

case_other_network_namespace_refused() {
    conf 'allow br0'
    OUT=$(unshare -n setpriv $nobody -- "$bin/swift-bridge-tap" br0 -- true '{fds}' 2>&1)
    local status=$?
    [ $status = 1 ] || fail "swift-bridge-tap from another network namespace: exit $status, expected 1"
    grep -qF "is in another network namespace than the broker" <<<"$OUT" || fail "not refused for its namespace"
    no_taps_left
    OUT=$(unshare -n setpriv $nobody -- "$bin/bridge-helper-probe" "$WORLD/bin/h-broker" 2>"$WORLD/tmp/stderr") \
        || fail "the probe itself failed"
    ERR=$(cat "$WORLD/tmp/stderr")
    expect_refused
    grep -qF "another network namespace" <<<"$ERR" || fail "the helper did not relay the namespace refusal"
}

# ---- 7. multiqueue: swift-bridge-tap --------------------------------------------------------------

case_multiqueue_tap_tool() {
    conf 'allow br0'
    # shellcheck disable=SC2016  # expanded by the command's shell
    OUT=$(as_user "$bin/swift-bridge-tap" --queues=4 br0 -- sh -c '
        echo fds={fds}; echo tap={tap}; echo queues={queues}
        for f in $(echo {fds} | tr : " "); do echo "fd_$f=$(readlink /proc/$$/fd/$f)"; done
        echo "link=$(ip -d -o link show {tap})"
        echo "owner=$(cat /sys/class/net/{tap}/owner)"
        echo "master=$(basename "$(readlink /sys/class/net/{tap}/master)")"' 2>&1) || fail "swift-bridge-tap failed"
    [ "$(field queues)" = 4 ] || fail "{queues} is not 4"
    [ "$(field fds | tr : '\n' | sort -u | wc -l)" = 4 ] || fail "{fds} does not name 4 fds"
    [ "$(grep -c '^fd_[0-9]*=/dev/net/tun$' <<<"$OUT")" = 4 ] || fail "the command did not inherit 4 tun fds"
    grep -q 'multi_queue numqueues 4 ' <<<"$(field link)" || fail "the tap is not multi_queue with 4 queues"
    [ "$(field owner)" = 65534 ] || fail "the tap's owner is not nobody"
    [ "$(field master)" = br0 ] || fail "the tap is not on br0"
    no_taps_left
    OUT=$(as_user "$bin/swift-bridge-tap" --queues=17 br0 -- true '{fds}' 2>&1)
    [ $? = 1 ] || fail "--queues=17 was not refused"
    grep -qF "swift-bridge-tap: --queues takes a number from 1 to 16, not \`17'" <<<"$OUT" || fail "no message for --queues=17"
    no_taps_left
    # QEMU takes the 4 queues: its netdev is made from them, then it quits (QMP).
    local qmp='{"execute":"qmp_capabilities"}
{"execute":"human-monitor-command","arguments":{"command-line":"info network"}}
{"execute":"quit"}'
    OUT=$(as_user "$bin/swift-bridge-tap" --queues=4 br0 -- timeout 20 qemu-system-x86_64 -S -accel tcg \
        -display none -nodefaults -qmp stdio -netdev 'tap,id=n0,fds={fds},vhost=off' \
        -device virtio-net-pci,netdev=n0,mq=on,vectors=10 <<<"$qmp" 2>&1) || fail "QEMU did not accept the 4 fds"
    [ "$(grep -oE 'n0: index=[0-9],type=tap' <<<"$OUT" | sort -u | wc -l)" = 4 ] || fail "QEMU does not show 4 tap queues"
    no_taps_left
}

# ---- 8. the broker killed mid-request ---------------------------------------------------------

case_broker_killed_mid_request() {
    conf 'allow br0'
    # 16 probes through the broker; its process group (the daemon and its children) is frozen
    # while the first 8 run (some mid-request, maybe with a tap made and not yet sent), the
    # other 8 queue in the socket's backlog, then all of it is killed at once.
    local i pids=()
    launch() {
        setpriv $nobody -- "$bin/bridge-helper-probe" "$WORLD/bin/h-broker" >"$WORLD/tmp/k$1" 2>&1 &
        pids+=($!)
    }
    for i in $(seq 8); do launch "$i"; done
    kill -STOP -- "-$BROKER"
    for i in $(seq 9 16); do launch "$i"; done
    sleep 0.3
    kill -KILL -- "-$BROKER"
    wait "$BROKER" 2>/dev/null
    BROKER=""
    wait "${pids[@]}"
    no_taps_left
    [ -z "$(broker_processes)" ] || fail "a broker process survived the kill"
    local got=0 refused=0
    for i in $(seq 16); do
        OUT=$(cat "$WORLD/tmp/k$i")
        if [ "$(field fds)" = 1 ]; then got=$((got + 1)); continue; fi
        [ "$(field exit)" != 0 ] || fail "probe $i got no fd but its helper exited 0"
        [ -n "$(grep -v '^[a-z_]*=' <<<"$OUT")" ] || fail "probe $i got no fd and no message"
        refused=$((refused + 1))
    done
    [ $refused -ge 8 ] || fail "only $refused probes failed: the 8 started while the broker was frozen cannot have got a tap"
    OUT=""
    start_broker
}

# ---- 9. many clients at once -------------------------------------------------------------------

case_64_clients_at_once_twice() {
    conf 'allow br0'
    local round taps
    for round in 1 2; do
        hold_many c 64
        taps=$(ip -o link show master br0 type tun | wc -l)
        [ "$GRANTED" = 64 ] || { OUT=$(grep -L '^fds=1$' "$WORLD"/tmp/c* | head -n1 | xargs cat); fail "round $round: $GRANTED of 64 got a tap"; }
        [ "$(sed -n 's/^tap=//p' "$WORLD"/tmp/c* | sort -u | wc -l)" = 64 ] || fail "round $round: the taps' names are not distinct"
        [ "$taps" = 64 ] || fail "round $round: $taps taps on br0 while 64 are held"
        release
        rm -f "$WORLD"/tmp/c*
    done
}

# ---- 10. the child narrows to the caller ---------------------------------------------------------

# waiting_client NAME SETPRIV-IDS: a raw client that connects, then sends OpenTap br0 only once
# $WORLD/tmp/go exists; its report goes to $WORLD/tmp/NAME. Prints the pid of the broker's
# child that serves it, once that child has narrowed to a uid other than root.
waiting_client() {
    local before child
    before=$(broker_children | tr '\n' ' ')
    # shellcheck disable=SC2086
    setpriv $2 -- "$WORLD/bin/varlink-client" "--wait-for=$WORLD/tmp/go" "$(call $open_tap '{"bridge":"br0"}')" \
        >"$WORLD/tmp/$1" 2>&1 &
    for _ in $(seq 250); do
        for child in $(broker_children); do
            [[ " $before " == *" $child "* ]] && continue
            grep -q "^Uid:[[:space:]]0[[:space:]]" "/proc/$child/status" 2>/dev/null && continue
            echo "$child"
            return 0
        done
        sleep 0.02
    done
    return 1
}
case_child_narrows_to_the_caller() {
    conf 'require options' 'allow br0 group=2002'
    local first second expected
    first=$(waiting_client first "--reuid=65534 --regid=65534 --groups=2001,2002") || fail "no child served the first client"
    second=$(waiting_client second "--reuid=1001 --regid=1001 --groups=2002") || fail "no child served the second client"
    # Each child narrows before it reads a byte (its client has sent nothing yet): the caller's
    # ids and groups, CAP_NET_ADMIN alone, no bounding set, no_new_privs.
    for expected in "$first:Uid:	65534	65534	65534	65534" "$first:Gid:	65534	65534	65534	65534" \
        "$first:Groups:	2001 2002" "$second:Uid:	1001	1001	1001	1001" "$second:Groups:	2002"; do
        grep -qx "${expected#*:} *" "/proc/${expected%%:*}/status" || fail "the child waiting for a request lacks: $expected"
    done
    for expected in "CapInh:	0000000000000000" "CapPrm:	0000000000001000" "CapEff:	0000000000001000" \
        "CapBnd:	0000000000000000" "CapAmb:	0000000000000000" "NoNewPrivs:	1"; do
        grep -qx "$expected" "/proc/$first/status" && grep -qx "$expected" "/proc/$second/status" \
            || fail "a child waiting for a request lacks: $expected"
    done
    # Each holds its own client's connection and nothing else: not the listening socket, not
    # the other client's connection.
    local child
    for child in "$first" "$second"; do
        [ "$(find "/proc/$child/fd" -lname 'socket:*' | wc -l)" = 1 ] \
            || fail "child $child holds more than its client's socket: $(ls -l "/proc/$child/fd")"
    done
    touch "$WORLD/tmp/go"
    for _ in $(seq 250); do grep -q '^end=' "$WORLD/tmp/first" "$WORLD/tmp/second" 2>/dev/null \
        && [ "$(cat "$WORLD/tmp/first" "$WORLD/tmp/second" | grep -c '^end=')" = 2 ] && break; sleep 0.02; done
    OUT=$(cat "$WORLD/tmp/first" "$WORLD/tmp/second")
    [ "$(replies | jq -r .parameters.tap | grep -c '^tap')" = 2 ] || fail "the narrowed children did not both make a tap"
    [ "$(sed -n 's/^reply_fds=//p' <<<"$OUT" | tr '\n' ' ')" = "1 1 " ] || fail "the taps' fds did not come"
}

# ---- 11. the audit line --------------------------------------------------------------------------

SYSLOG=""
# A private /dev (this world's mount namespace only) whose `log' is our datagram socket; the
# lines arrive in $WORLD/tmp/syslog.
private_dev_with_log() {
    mount -t tmpfs -o mode=755 sbh-dev /dev || fail "cannot mount a private /dev"
    mknod -m 666 /dev/null c 1 3 && mknod -m 666 /dev/zero c 1 5 && mknod -m 666 /dev/urandom c 1 9 \
        && mkdir /dev/net && mknod -m 666 /dev/net/tun c 10 200 || fail "cannot populate the private /dev"
    : >"$WORLD/tmp/syslog"
    "$WORLD/bin/varlink-client" --syslog /dev/log "$WORLD/tmp/syslog" &
    SYSLOG=$!
    for _ in $(seq 100); do [ -S /dev/log ] && return 0; sleep 0.02; done
    fail "the private /dev/log did not appear"
}
# expect_audit COUNT PRIORITY TEXT: the log now holds COUNT lines, the last at PRIORITY with TEXT.
expect_audit() {
    local last
    for _ in $(seq 50); do [ "$(wc -l <"$WORLD/tmp/syslog")" -ge "$1" ] && break; sleep 0.02; done
    OUT=$(cat "$WORLD/tmp/syslog")
    [ "$(wc -l <"$WORLD/tmp/syslog")" = "$1" ] || fail "expected $1 audit lines"
    last=$(tail -n1 "$WORLD/tmp/syslog")
    [[ "$last" == "<$2>"* ]] || fail "the last line's priority is not <$2>"
    grep -qE '^<[0-9]+>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} swift-bridge-helper\[[0-9]+\]: ' <<<"$last" \
        || fail "the last line is not tagged swift-bridge-helper[PID]"
    grep -qF -- "$3" <<<"$last" || fail "the last audit line lacks: $3"
}
case_audit_lines_through_the_broker() {
    private_dev_with_log
    conf 'allow br0' 'deny br1'
    probe "$WORLD/bin/h-broker"
    expect_tap br0
    expect_audit 1 85 "uid=65534 bridge=br0 allowed by /etc/qemu/bridge.conf:1 tap=tap0"
    local pid
    pid=$(tail -n1 "$WORLD/tmp/syslog" | sed -n 's/.*swift-bridge-helper\[\([0-9]*\)\].*/\1/p')
    [ "$pid" != "$BROKER" ] || fail "the line comes from the broker itself, not from the child that served the caller"
    no_taps_left
    OUT=$(as_user "$bin/swift-bridge-tap" --queues=4 br0 -- true '{fds}' 2>&1) || fail "swift-bridge-tap failed"
    expect_audit 2 85 "uid=65534 bridge=br0 allowed by /etc/qemu/bridge.conf:1 tap=tap0 queues=4"
    no_taps_left
    probe "$WORLD/bin/h-broker" --use-vnet --fd=@FD --br=br1
    expect_refused "access denied by acl file"
    expect_audit 3 84 "uid=65534 bridge=br1 denied by /etc/qemu/bridge.conf:2"
    probe_as "--reuid=1001 --regid=1001 --clear-groups" "$WORLD/bin/h-broker" --use-vnet --fd=@FD --br=nosuch0
    expect_refused
    expect_audit 4 84 "uid=1001 bridge=nosuch0 denied: no rule allows it"
}

# ---- dispatch ----------------------------------------------------------------------------------

if [ "${1:-}" = --list ]; then
    declare -F | sed -n 's/^declare -f case_//p' | tr _ -
    exit 0
fi
[ $# = 2 ] || { echo "usage: cases.sh BIN_DIR CASE | --list" >&2; exit 2; }
bin=$1
case_function=case_$(tr - _ <<<"$2")
declare -F "$case_function" >/dev/null || fail "no such case: $2"
world_install "$bin/swift-bridge-helper" h
install -m 0755 "$here/varlink-client" "$WORLD/bin/varlink-client"
trap cleanup EXIT
start_broker
"$case_function"
after_case
