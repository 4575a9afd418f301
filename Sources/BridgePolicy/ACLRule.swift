/// Where something was written: an ACL file and a 1-based line number.
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var file: [UInt8]
    public var line: Int
    public init(file: [UInt8], line: Int) {
        self.file = file
        self.line = line
    }
    public var message: Message { "\(file):\(line)" }
    public var description: String { message.description }
}

/// One `allow` or `deny` line of an ACL file.
public struct ACLRule: Equatable, Hashable, Sendable {
    public enum Action: Sendable { case allow, deny }
    public enum Target: Equatable, Hashable, Sendable {
        case all
        case bridge([UInt8])
    }
    public var action: Action
    public var target: Target
    public var location: SourceLocation
    /// Empty unless the main file says `require options`.
    public var options: RuleOptions

    public init(action: Action, target: Target, location: SourceLocation, options: RuleOptions = RuleOptions()) {
        self.action = action
        self.target = target
        self.location = location
        self.options = options
    }

    /// Names are compared byte for byte, like the C helper's strcmp: never by Unicode
    /// equivalence, so `allow bré` cannot match a differently encoded `bré`.
    public func matches(bridge: [UInt8]) -> Bool {
        switch target {
        case .all: return true
        case .bridge(let name): return name == bridge
        }
    }
}
