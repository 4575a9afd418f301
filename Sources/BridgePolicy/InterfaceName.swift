/// The kernel's rules for a network interface name (`dev_valid_name` and
/// `dev_get_valid_name` in net/core/dev.c).
public enum InterfaceName {
    /// IFNAMSIZ: a name and its terminating NUL must fit in 16 bytes.
    public static let capacity = 16
    public static let maximumLength = capacity - 1

    /// Why the kernel would refuse `name`, or nil when it is a valid interface name.
    /// Length is checked separately, first, because its message is the C helper's.
    public static func problem(with name: [UInt8]) -> Message? {
        if name.isEmpty { return "the name is empty" }
        if name == [UInt8](ascii: ".") || name == [UInt8](ascii: "..") {
            return "`.' and `..' are not interface names"
        }
        for byte in name {
            switch byte {
            case 0: return "it contains a NUL byte"
            case UInt8(ascii: "/"): return "it contains `/'"
            case UInt8(ascii: ":"): return "it contains `:'"
            case _ where isASCIISpace(byte): return "it contains white space"
            // The kernel's isspace() is Latin-1's: it also refuses 0xA0, so UTF-8 `à` (C3 A0).
            case 0xA0: return "it contains byte 0xA0, which the kernel counts as white space"
            // The kernel reads a name with `%' as a template (`tap%d`): no interface has one.
            case UInt8(ascii: "%"): return "it contains `%'"
            default: continue
            }
        }
        return nil
    }
}
