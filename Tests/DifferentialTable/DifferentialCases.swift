/// The differential table. Each row: a name, what the C helper does (`c: .tap` or
/// `c: .fails`), the helper's arguments (QEMU's `--use-vnet --fd=@FD --br=br0` unless
/// given; `@FD` is the socket's number), /etc/qemu/bridge.conf (`allow br0` unless given;
/// nil = missing) and other files, the interfaces present (a bridge br0 unless given).
/// Rows ending in `.differs(...)` are deliberate differences (see SECURITY.md).
extension DifferentialCase {
    typealias Case = DifferentialCase
    typealias File = WorldFile

    static let all: [DifferentialCase] =
        decisions + grammar + names + includes + arguments + interfaces + differences

    static let userConf = "/etc/qemu/user.conf"

    static func user(
        _ contents: String, owner: UInt32 = File.root, group: UInt32 = File.root, mode: UInt16 = 0o644
    ) -> File {
        File(userConf, contents, owner: owner, group: group, mode: mode)
    }

    /// bridge.conf includes chain1.conf, which includes chain2.conf, ... up to `length`,
    /// whose last file says `allow br0`.
    static func includeChain(_ length: Int) -> [File] {
        (1...length).map { level in
            File(
                "/etc/qemu/chain\(level).conf",
                level == length ? "allow br0\n" : "include /etc/qemu/chain\(level + 1).conf\n")
        }
    }

    static let decisions: [Case] = [
        Case("allow names the bridge", c: .tap),
        Case("allow all", c: .tap, conf: "allow all\n"),
        Case("allow names another bridge", c: .fails, conf: "allow br1\n", bridges: [.init("br0"), .init("br1")]),
        Case("empty bridge.conf", c: .fails, conf: ""),
        Case("only comments and blank lines", c: .fails, conf: "# allow br0\n\n   # allow all\n\t\n"),
        Case("deny then allow: deny wins", c: .fails, conf: "deny br0\nallow br0\n"),
        Case("allow then deny: deny wins", c: .fails, conf: "allow br0\ndeny br0\n"),
        Case("deny all then allow", c: .fails, conf: "deny all\nallow br0\n"),
        Case("allow all then deny the bridge", c: .fails, conf: "allow all\ndeny br0\n"),
        Case("allow all, deny another bridge", c: .tap, conf: "allow all\ndeny br1\n"),
        Case("allow all and deny all", c: .fails, conf: "allow all\ndeny all\n"),
        Case("ALL is a bridge name, not all", c: .fails, conf: "allow ALL\n"),
        Case("names compare case-sensitively", c: .fails, conf: "allow BR0\n"),
        Case("allow with an empty argument", c: .fails, conf: "allow \n"),
        Case("two names on one line are one name", c: .fails, conf: "allow br0 br1\n"),
    ]

    static let grammar: [Case] = [
        Case("CRLF line ends", c: .tap, conf: "# mine\r\nallow br0\r\n"),
        Case("tab separates when there is no space", c: .tap, conf: "allow\tbr0\n"),
        Case("a space after a tab makes the command `allow<tab>br0'", c: .fails, conf: "allow\tbr0 \n"),
        Case("leading spaces and tabs", c: .tap, conf: "   \t allow br0\n"),
        Case("many spaces around the argument", c: .tap, conf: "allow     br0   \t\n"),
        Case("a trailing comment is part of the name", c: .fails, conf: "allow br0 # mine\n"),
        Case("last line without a newline", c: .tap, conf: "deny br1\nallow br0"),
        Case("all with trailing blanks", c: .tap, conf: "allow all \t\r\n"),
        Case("unknown command", c: .fails, conf: "permit br0\n"),
        Case("commands are case-sensitive", c: .fails, conf: "Allow br0\n"),
        Case("unknown command after a good rule", c: .fails, conf: "allow br0\nfoo bar\n"),
        Case("Invalid config line: a command alone", c: .fails, conf: "allow\n"),
        Case("Invalid config line: indented, with CR", c: .fails, conf: "  allow\r\n"),
        Case("Invalid config line after a good rule", c: .fails, conf: "allow br0\nbogus\n"),
    ]

    static let names: [Case] = [
        Case(
            "15-byte name in bridge.conf and argv", c: .tap, ["--use-vnet", "--fd=@FD", "--br=abcdefghijklmno"],
            conf: "allow abcdefghijklmno\n", bridges: [.init("abcdefghijklmno")]),
        Case("16-byte name in bridge.conf", c: .fails, conf: "allow abcdefghijklmnop\n"),
        Case("a long name is reported before an unknown command", c: .fails, conf: "foo 0123456789abcdef\n"),
        Case(
            "16-byte name in argv", c: .fails, ["--use-vnet", "--fd=@FD", "--br=abcdefghijklmnop"], conf: "allow all\n"),
        Case(
            "40-byte name in argv", c: .fails, ["--br=" + String(repeating: "b", count: 40), "--fd=@FD"],
            conf: "allow all\n"),
        Case(
            "a long argv name is reported before a missing bridge.conf", c: .fails,
            ["--use-vnet", "--fd=@FD", "--br=abcdefghijklmnop"], conf: nil),
        Case(
            "15-byte name in argv, no such bridge", c: .fails, ["--use-vnet", "--fd=@FD", "--br=abcdefghijklmno"],
            conf: "allow all\n"),
        Case("a rule for a name with a slash matches nothing", c: .fails, conf: "allow br/0\n"),
    ]

    static let includes: [Case] = [
        Case("include allows", c: .tap, conf: "include \(userConf)\n", files: [user("allow br0\n")]),
        Case(
            "included deny wins over allow all", c: .fails, conf: "allow all\ninclude /etc/qemu/deny.conf\n",
            files: [File("/etc/qemu/deny.conf", "deny br0\n")]),
        Case("missing include is ignored", c: .tap, conf: "include /etc/qemu/missing.conf\nallow br0\n"),
        Case("only a missing include", c: .fails, conf: "include /etc/qemu/missing.conf\n"),
        Case(
            "include path with trailing blanks and CR", c: .tap, conf: "include \(userConf) \t\r\n",
            files: [user("allow br0\n")]),
        Case("include without a path", c: .tap, conf: "include \nallow br0\n"),
        Case("nested includes, three levels", c: .tap, conf: "include /etc/qemu/chain1.conf\n", files: includeChain(3)),
        Case(
            "include readable only by root is ignored", c: .fails, conf: "include \(userConf)\n",
            files: [user("allow br0\n", mode: 0o600)]),
        Case(
            "group-readable include, caller in the group", c: .tap, conf: "include \(userConf)\n",
            files: [user("allow br0\n", group: 4242, mode: 0o640)], callerGroups: [4242]),
        Case(
            "group-readable include, caller not in the group", c: .fails, conf: "include \(userConf)\n",
            files: [user("allow br0\n", group: 4242, mode: 0o640)]),
        Case(
            "relative include from /etc/qemu as the current directory", c: .tap, conf: "include user.conf\n",
            files: [user("allow br0\n")], workingDirectory: "/etc/qemu"),
        Case(
            "bridge.conf readable only by root", c: .fails, conf: nil,
            files: [File(File.bridgeConf, "allow br0\n", mode: 0o600)]),
        Case("missing bridge.conf", c: .fails, conf: nil),
    ]

    static let arguments: [Case] = [
        Case("libvirt order", c: .tap, ["--use-vnet", "--br=br0", "--fd=@FD"]),
        Case("fd first", c: .tap, ["--fd=@FD", "--br=br0", "--use-vnet"]),
        Case("without --use-vnet", c: .tap, ["--br=br0", "--fd=@FD"]),
        Case("repeated --br: the last wins (allowed)", c: .tap, ["--br=nope", "--use-vnet", "--br=br0", "--fd=@FD"]),
        Case(
            "repeated --br: the last wins (denied)", c: .fails, ["--br=br0", "--br=br1", "--fd=@FD"],
            bridges: [.init("br0"), .init("br1")]),
        Case("repeated --use-vnet", c: .tap, ["--use-vnet", "--use-vnet", "--br=br0", "--fd=@FD"]),
        Case("repeated --fd: the last wins", c: .tap, ["--fd=999", "--br=br0", "--fd=@FD"]),
        Case("--fd with a leading zero", c: .tap, ["--br=br0", "--fd=0@FD"]),
        Case("--help", c: .fails, ["--help"]),
        Case("-v", c: .fails, ["-v"]),
        Case("--br and its value as two arguments", c: .fails, ["--br", "br0", "--fd=@FD"]),
        Case("--use-vnet=1", c: .fails, ["--use-vnet=1", "--br=br0", "--fd=@FD"]),
        Case("--BR= is not --br=", c: .fails, ["--BR=br0", "--fd=@FD"]),
        Case("an empty argument", c: .fails, ["--br=br0", "", "--fd=@FD"]),
        Case("missing --br", c: .fails, ["--use-vnet", "--fd=@FD"]),
        Case("missing --fd", c: .fails, ["--use-vnet", "--br=br0"]),
        Case("--fd=-1 means no fd", c: .fails, ["--br=br0", "--fd=-1"]),
        Case("only --use-vnet", c: .fails, ["--use-vnet"]),
        Case("an unknown argument after good ones", c: .fails, ["--use-vnet", "--br=br0", "--fd=@FD", "--foo"]),
        Case("usage comes before a long name", c: .fails, ["--br=abcdefghijklmnop", "--fd=@FD", "--help"]),
        Case("usage comes before a missing bridge.conf", c: .fails, ["--help"], conf: nil),
    ]

    static let interfaces: [Case] = [
        Case("bridge MTU 68", c: .tap, bridges: [.init("br0", mtu: 68)]),
        Case("bridge MTU 1280", c: .tap, bridges: [.init("br0", mtu: 1280)]),
        Case("bridge MTU 9000", c: .tap, bridges: [.init("br0", mtu: 9000)]),
        Case(
            "bridge MTU 65535 is more than a tap takes", c: .fails, conf: "allow all\n",
            bridges: [.init("br0", mtu: 65535)]),
        Case("missing bridge", c: .fails, ["--use-vnet", "--fd=@FD", "--br=nope"], conf: "allow all\n"),
        Case("missing bridge, not allowed: the ACL speaks first", c: .fails, ["--use-vnet", "--fd=@FD", "--br=nope"]),
        Case(
            "veth, not allowed: the ACL speaks first", c: .fails, ["--use-vnet", "--fd=@FD", "--br=veth0"],
            veths: ["veth0"]),
    ]

    static let differences: [Case] = [
        // longLine
        Case(
            "a long comment smuggles `allow all'", c: .tap,
            conf: "#" + String(repeating: "x", count: 4094) + "allow all\n"
        )
        .differs(.longLine, ours: "bytes long; at most 4095 are allowed"),
        Case(
            "a long line of blanks after `allow br0'", c: .tap,
            conf: "allow br0" + String(repeating: " ", count: 5000) + "\n"
        )
        .differs(.longLine, ours: "bytes long; at most 4095 are allowed"),
        // The C helper reads the comment's tail as a blank line and applies the deny; we deny
        // too, with the line's error (we once dropped the include at that line and granted).
        Case(
            "a long comment in an include, then a deny", c: .fails, conf: "allow all\ninclude /etc/qemu/deny.conf\n",
            files: [File("/etc/qemu/deny.conf", "#" + String(repeating: " ", count: 5000) + "\ndeny br0\n")]
        )
        .differs(.longLine, ours: "bytes long; at most 4095 are allowed"),
        // relativeInclude
        Case(
            "relative include from a directory the caller controls", c: .tap, conf: "include evil.conf\n",
            files: [
                .directory("$WORLD/tmp/evil", owner: File.nobody),
                File("$WORLD/tmp/evil/evil.conf", "allow all\n", owner: File.nobody, group: File.nobody),
            ],
            workingDirectory: "$WORLD/tmp/evil"
        )
        .differs(.relativeInclude, ours: "access denied by acl file"),
        Case(
            "relative include found beside bridge.conf", c: .fails, conf: "include user.conf\n",
            files: [user("allow br0\n")], workingDirectory: "$WORLD/tmp"
        )
        .differsGivingTap(.relativeInclude),
        // includeError
        Case(
            "failed include keeps its earlier rules", c: .tap, conf: "include \(userConf)\n",
            files: [user("allow br0\nbogus\n")]
        )
        .differs(.includeError, ours: "failed to parse default acl file"),
        Case(
            "failed include: the including file goes on", c: .tap, conf: "include \(userConf)\nallow br0\n",
            files: [user("permit br0\n")]
        )
        .differs(.includeError, ours: "Unknown command `permit'"),
        Case(
            "include with a long name is ignored", c: .tap, conf: "include \(userConf)\nallow br0\n",
            files: [user("allow abcdefghijklmnopq\n")]
        )
        .differs(.includeError, ours: "too long: 17"),
        // untrustedDirectory
        Case(
            "include in a group-writable directory", c: .tap, conf: "include /etc/qemu/site/user.conf\n",
            files: [.directory("/etc/qemu/site", mode: 0o775), File("/etc/qemu/site/user.conf", "allow br0\n")]
        )
        .differs(.untrustedDirectory, ours: "on its path is writable by its group or by others (mode 0775)"),
        Case(
            "include in a directory the caller owns", c: .tap, conf: "include /etc/qemu/site/user.conf\n",
            files: [.directory("/etc/qemu/site", owner: File.nobody), File("/etc/qemu/site/user.conf", "allow br0\n")]
        )
        .differs(.untrustedDirectory, ours: "on its path is owned by uid 65534, not root"),
        // includeCycle
        Case("bridge.conf includes itself", c: .tap, conf: "include \(File.bridgeConf)\nallow br0\n")
            .differs(.includeCycle, ours: "is a cycle"),
        Case(
            "two files include each other", c: .tap, conf: "include /etc/qemu/a.conf\n",
            files: [
                File("/etc/qemu/a.conf", "include /etc/qemu/b.conf\nallow br0\n"),
                File("/etc/qemu/b.conf", "include /etc/qemu/a.conf\n"),
            ]
        )
        .differs(.includeCycle, ours: "is a cycle"),
        // includeDepth
        Case("includes nested 20 deep", c: .tap, conf: "include /etc/qemu/chain1.conf\n", files: includeChain(20))
            .differs(.includeDepth, ours: "nested more than 16 levels deep"),
        // nulByte
        Case("a NUL byte hides the rest of a rule", c: .tap, conf: "allow br0\0junk\n")
            .differs(.nulByte, ours: "contains a NUL byte"),
        Case("a NUL byte in a comment", c: .tap, conf: "# mine\0\nallow br0\n")
            .differs(.nulByte, ours: "contains a NUL byte"),
        // invalidName
        Case(
            "an alias name reaches a denied bridge", c: .tap, ["--use-vnet", "--fd=@FD", "--br=br0:1"],
            conf: "allow all\ndeny br0\n"
        )
        .differs(.invalidName, ours: "invalid bridge name `br0:1': it contains `:'"),
        Case("empty bridge name", c: .fails, ["--use-vnet", "--fd=@FD", "--br="], conf: "allow all\n")
            .differs(.invalidName, ours: "invalid bridge name `': the name is empty"),
        Case("bridge name with a space", c: .fails, ["--use-vnet", "--fd=@FD", "--br=br 0"], conf: "allow all\n")
            .differs(.invalidName, ours: "it contains white space"),
        Case("bridge name ..", c: .fails, ["--use-vnet", "--fd=@FD", "--br=.."], conf: "allow all\n")
            .differs(.invalidName, ours: "are not interface names"),
        Case("bridge name with a slash", c: .fails, ["--use-vnet", "--fd=@FD", "--br=a/b"], conf: "allow all\n")
            .differs(.invalidName, ours: "it contains `/'"),
        // strictFD
        Case("--fd with trailing junk", c: .tap, ["--use-vnet", "--fd=@FDjunk", "--br=br0"])
            .differs(.strictFD, ours: "invalid --fd value"),
        Case("--fd with a plus sign", c: .tap, ["--use-vnet", "--fd=+@FD", "--br=br0"])
            .differs(.strictFD, ours: "invalid --fd value"),
        Case("--fd with a leading space", c: .tap, ["--use-vnet", "--fd= @FD", "--br=br0"])
            .differs(.strictFD, ours: "invalid --fd value"),
        Case("empty --fd", c: .fails, ["--use-vnet", "--fd=", "--br=br0"])
            .differs(.strictFD, ours: "invalid --fd value `'"),
        // untrustedFile
        Case(
            "bridge.conf owned by the caller", c: .tap, conf: nil,
            files: [File(File.bridgeConf, "allow all\n", owner: File.nobody, group: File.nobody)]
        )
        .differs(.untrustedFile, ours: "it is owned by uid 65534, not root"),
        Case("bridge.conf mode 0666", c: .tap, conf: nil, files: [File(File.bridgeConf, "allow br0\n", mode: 0o666)])
            .differs(.untrustedFile, ours: "writable by its group or by others (mode 0666)"),
        Case(
            "bridge.conf group-writable", c: .tap, conf: nil, files: [File(File.bridgeConf, "allow br0\n", mode: 0o664)]
        )
        .differs(.untrustedFile, ours: "writable by its group or by others (mode 0664)"),
        Case(
            "bridge.conf is a symlink", c: .tap, conf: nil,
            files: [File("/etc/qemu/real.conf", "allow br0\n"), .symbolicLink(File.bridgeConf, to: "real.conf")]
        )
        .differs(.untrustedFile, ours: "it is a symbolic link"),
        Case(
            "include owned by the caller", c: .tap, conf: "include \(userConf)\n",
            files: [user("allow all\n", owner: File.nobody)]
        )
        .differs(.untrustedFile, ours: "refused: it is owned by uid 65534, not root"),
        Case(
            "include is a symlink", c: .tap, conf: "include \(userConf)\n",
            files: [File("/etc/qemu/real.conf", "allow br0\n"), .symbolicLink(userConf, to: "real.conf")]
        )
        .differs(.untrustedFile, ours: "refused: it is a symbolic link"),
        Case("include is a directory", c: .tap, conf: "include /etc/qemu\nallow br0\n")
            .differs(.untrustedFile, ours: "refused: it is not a regular file"),
        Case("include is /dev/null", c: .tap, conf: "include /dev/null\nallow br0\n")
            .differs(.untrustedFile, ours: "refused: it is not a regular file"),
        // notABridge
        Case(
            "a veth is not a bridge", c: .fails, ["--use-vnet", "--fd=@FD", "--br=veth0"], conf: "allow all\n",
            veths: ["veth0"]
        )
        .differs(.notABridge, ours: "interface `veth0' is not a bridge (its driver is `veth'); nothing was created"),
        Case("loopback is not a bridge", c: .fails, ["--use-vnet", "--fd=@FD", "--br=lo"], conf: "allow all\n")
            .differs(.notABridge, ours: "interface `lo' is not a bridge"),
        // socketCheckedEarly
        Case("--fd is stdin (/dev/null)", c: .fails, ["--use-vnet", "--fd=0", "--br=br0"])
            .differs(.socketCheckedEarly, ours: "--fd=0 is not a socket"),
        Case("--fd is a regular file (stderr)", c: .fails, ["--use-vnet", "--fd=2", "--br=br0"])
            .differs(.socketCheckedEarly, ours: "--fd=2 is not a socket"),
        Case("--fd is closed", c: .fails, ["--use-vnet", "--fd=999", "--br=br0"])
            .differs(.socketCheckedEarly, ours: "--fd=999 is not an open file descriptor"),
        Case("repeated --fd: the last (closed) wins", c: .fails, ["--fd=@FD", "--br=br0", "--fd=999"])
            .differs(.socketCheckedEarly, ours: "--fd=999 is not an open file descriptor"),
    ]
}
