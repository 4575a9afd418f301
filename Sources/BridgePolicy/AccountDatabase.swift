/// Resolves the user and group names of `user=` and `group=` options.
///
/// The helper is a static setuid binary: it must not load NSS modules (getpwnam would
/// dlopen whatever /etc/nsswitch.conf names, as root). So names come from /etc/passwd and
/// /etc/group alone; users and groups known only to LDAP, sssd and the like must be given
/// by number.
public protocol AccountDatabase {
    func userID(named name: [UInt8]) -> AccountLookup
    func groupID(named name: [UInt8]) -> AccountLookup
}

public enum AccountLookup: Equatable, Sendable {
    case found(UInt32)
    case unknown
    /// The database itself could not be read or trusted.
    case unavailable(Message)
}

/// /etc/passwd and /etc/group, read through an ACL file source (in the helper and in
/// `explain` that is TrustedFileSource: root's and not writable by others, like the ACL)
/// and parsed by `AccountFile`: a file it refuses makes every lookup `.unavailable`.
public struct AccountFileDatabase: AccountDatabase {
    public var source: any ACLFileSource
    public var passwdPath: [UInt8]
    public var groupPath: [UInt8]

    public init(
        source: any ACLFileSource, passwdPath: [UInt8] = Array("/etc/passwd".utf8),
        groupPath: [UInt8] = Array("/etc/group".utf8)
    ) {
        self.source = source
        self.passwdPath = passwdPath
        self.groupPath = groupPath
    }

    public func userID(named name: [UInt8]) -> AccountLookup {
        lookup { () throws(AccountFileProblem) in try passwd().first { $0.name == name }?.uid }
    }

    public func groupID(named name: [UInt8]) -> AccountLookup {
        lookup { () throws(AccountFileProblem) in try group().first { $0.name == name }?.gid }
    }

    /// Every account, in file order (the first entry for a name or uid wins, as for getpwnam).
    public func passwd() throws(AccountFileProblem) -> [PasswdEntry] {
        try AccountFile.passwd(try contents(passwdPath), path: passwdPath)
    }

    public func group() throws(AccountFileProblem) -> [GroupEntry] {
        try AccountFile.group(try contents(groupPath), path: groupPath)
    }

    func contents(_ path: [UInt8]) throws(AccountFileProblem) -> [UInt8] {
        switch source.read(path) {
        case .contents(let bytes, _): return bytes
        case .unavailable(let why), .failed(let why), .refused(let why):
            throw AccountFileProblem("\(path): \(why)")
        }
    }

    func lookup(_ find: () throws(AccountFileProblem) -> UInt32?) -> AccountLookup {
        do throws(AccountFileProblem) {
            return try find().map(AccountLookup.found) ?? .unknown
        } catch {
            return .unavailable(error.message)
        }
    }
}

/// A numeric uid or gid: decimal, below (uid_t)-1, which means "no id" to the kernel.
public enum AccountID {
    public static func parse(_ text: [UInt8]) -> UInt32? {
        DecimalNumber.parse(text, in: 0...(UInt32.max - 1))
    }
}

extension RuleOptions {
    /// The options of one rule, names resolved: numbers are taken as ids without a lookup.
    public static func resolving(
        _ specs: [ACLOptionSpec], with accounts: any AccountDatabase
    )
        -> Result<RuleOptions, ACLOptionProblem>
    {
        do {
            var options = RuleOptions()
            for spec in specs {
                switch spec {
                case .users(let names):
                    options.users = try ids(names, accounts.userID(named:), unknown: ACLOptionProblem.unknownUser)
                case .groups(let names):
                    options.groups = try ids(names, accounts.groupID(named:), unknown: ACLOptionProblem.unknownGroup)
                case .vlan(let id): options.vlan = id
                case .isolated: options.isolated = true
                case .maxTaps(let limit): options.maxTaps = limit
                }
            }
            return .success(options)
        } catch {
            return .failure(error)
        }
    }

    static func ids(
        _ names: [[UInt8]], _ lookup: ([UInt8]) -> AccountLookup, unknown: ([UInt8]) -> ACLOptionProblem
    ) throws(ACLOptionProblem) -> [UInt32] {
        try names.map { (name) throws(ACLOptionProblem) -> UInt32 in
            if let id = AccountID.parse(name) { return id }
            switch lookup(name) {
            case .found(let id): return id
            case .unknown: throw unknown(name)
            case .unavailable(let why): throw .accountsUnavailable(why)
            }
        }
    }
}
