/// The names in the broker's messages: keys, interfaces and methods, compared as bytes and
/// not as `String`s, because Swift's `String ==` is Unicode equivalence, under which
/// U+212A KELVIN SIGN equals `K`.
extension BrokerCodec {
    enum Key {
        static let method = [UInt8](ascii: "method")
        static let parameters = [UInt8](ascii: "parameters")
        static let oneway = [UInt8](ascii: "oneway")
        static let more = [UInt8](ascii: "more")
        static let upgrade = [UInt8](ascii: "upgrade")
        static let bridgeInterface = Array(BrokerInterface.name.utf8)
        static let serviceInterface = Array(BrokerInterface.serviceName.utf8)
        static let openTap = [UInt8](ascii: "OpenTap")
        static let getInfo = [UInt8](ascii: "GetInfo")
        static let getInterfaceDescription = [UInt8](ascii: "GetInterfaceDescription")
        static let bridge = [UInt8](ascii: "bridge")
        static let vnetHeader = [UInt8](ascii: "vnetHeader")
        static let queues = [UInt8](ascii: "queues")
        static let interface = [UInt8](ascii: "interface")
        static let error = [UInt8](ascii: "error")
        static let continues = [UInt8](ascii: "continues")
        static let lines = [UInt8](ascii: "lines")
        static let tap = [UInt8](ascii: "tap")
        static let fileDescriptors = [UInt8](ascii: "fileDescriptors")
    }
}
