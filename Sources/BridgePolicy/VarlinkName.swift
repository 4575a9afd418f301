/// varlink's grammar for names (varlink.org, "Interface Name", "Method"): an interface is
/// reverse-domain `org.example.Thing`, a method or error is `Interface.Member` with a member
/// that starts with a capital letter. A call whose method breaks it is not a varlink call.
enum VarlinkName {
    /// The interface and member of a qualified name such as `org.varlink.service.GetInfo`.
    static func split(_ qualified: [UInt8]) -> (interface: [UInt8], member: [UInt8])? {
        guard let dot = qualified.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        let interface = Array(qualified[..<dot])
        let member = Array(qualified[(dot + 1)...])
        guard isInterface(interface), isMember(member) else { return nil }
        return (interface, member)
    }

    /// `[A-Za-z](-*[A-Za-z0-9])*` then one or more `.[A-Za-z0-9](-*[A-Za-z0-9])*`.
    static func isInterface(_ name: [UInt8]) -> Bool {
        let labels = name.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, let first = labels[0].first, isLetter(first) else { return false }
        return labels.allSatisfy { label in
            guard let head = label.first, let tail = label.last, isLetterOrDigit(head), isLetterOrDigit(tail) else {
                return false
            }
            return label.allSatisfy { isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `[A-Z][A-Za-z0-9]*`.
    static func isMember(_ name: [UInt8]) -> Bool {
        guard let first = name.first, (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(first) else { return false }
        return name.allSatisfy(isLetterOrDigit)
    }

    static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    static func isLetterOrDigit(_ byte: UInt8) -> Bool {
        isLetter(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
