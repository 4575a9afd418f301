# The outside of the e2e suite (as root on the host): checks, guest build, one world per scenario
# and mode, and the final count. Sourced by Tests/e2e/run and Tests/e2e/libvirt-session, which
# define SCENARIOS and re-enter themselves with --in-world inside each world (lib.sh).
# shellcheck shell=bash

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO=$(cd "$E2E_DIR/../.." && pwd)

# What the suite runs, as "command:Debian package(s)"; scripts may add to E2E_NEEDS.
E2E_NEEDS=("qemu-system-x86_64:qemu-system-x86" "jq:jq" "setcap:libcap2-bin" "setpriv:util-linux" ${E2E_NEEDS[@]+"${E2E_NEEDS[@]}"})

# A fresh machine (CI) has only what the project's files install: install what is missing.
e2e_install_missing() {
    local need packages=()
    for need in "${E2E_NEEDS[@]}"; do
        command -v "${need%%:*}" >/dev/null || read -r -a packages <<<"${packages[*]} ${need#*:}"
    done
    [ ${#packages[@]} -gt 0 ] || return 0
    echo "installing ${packages[*]}"
    [ -n "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -print -quit)" ] || apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}

# e2e_main SCRIPT ARGS... -> runs the SCENARIOS of SCRIPT ("name|with-world options|what") for
# each mode in E2E_MODES (default "cap suid"). ARGS: HELPER_BINARY [SCENARIO...]. Exits 1 on failure.
e2e_main() {
    local script=$1; shift
    [ $# -ge 1 ] || { echo "usage: $script HELPER_BINARY [SCENARIO...]" >&2; exit 2; }
    [ "$(id -u)" = 0 ] || { echo "$script: must run as root (worlds need namespaces)" >&2; exit 2; }
    local helper mode entry name opts what log status t0 guest out started=$SECONDS
    helper=$(realpath "$1"); shift
    if ! [ -f "$helper" ] || ! [ -x "$helper" ]; then echo "$script: $helper is not an executable file" >&2; exit 2; fi
    e2e_install_missing
    local wanted=("$@") modes
    read -r -a modes <<<"${E2E_MODES:-cap suid}"

    guest=$("$E2E_DIR/make-guest")
    echo "guest: $guest ($(cut -d' ' -f1-2 "$guest/stamp")), ready after $((SECONDS - started))s"
    echo "helper: $helper"

    out=$(mktemp -d /tmp/sbh-e2e.XXXXXX)
    # shellcheck disable=SC2064  # expand now: $out is local
    trap "rm -rf '$out'" EXIT
    trap 'echo "interrupted"; exit 130' INT TERM   # stop here, not go on with the next world
    for mode in "${modes[@]}"; do
        for entry in "${SCENARIOS[@]}"; do
            IFS='|' read -r name opts what <<<"$entry"
            if [ ${#wanted[@]} -gt 0 ] && ! [[ " ${wanted[*]} " == *" $name "* ]]; then continue; fi
            echo "== $name/$mode: $what"
            log=$out/$name-$mode
            status=0 t0=$SECONDS
            # shellcheck disable=SC2086  # $opts is a list of with-world options
            "$E2E_REPO/scripts/with-world" $opts -- "$script" --in-world "$name" "$mode" "$helper" "$guest" 2>&1 \
                | tee "$log" || status=$?
            if [ $status -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
                echo "FAIL $name/$mode: world exited $status without reporting a failure" | tee -a "$log"
            fi
            echo "   ($name/$mode took $((SECONDS - t0))s)"
        done
    done

    local passed failed
    passed=$(cat "$out"/* 2>/dev/null | grep -c '^PASS ' || true)
    failed=$(cat "$out"/* 2>/dev/null | grep -c '^FAIL ' || true)
    echo "time: $((SECONDS - started))s"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
