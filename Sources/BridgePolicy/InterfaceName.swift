/// The kernel's rules for a network interface name (`dev_valid_name` in net/core/dev.c).
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
            default: continue
            }
        }
        return nil
    }
}
