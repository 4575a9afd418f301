/// The broker's varlink interface: what `swift-bridge-helperd` serves and its clients call.
public enum BrokerInterface {
    public static let name = "io.swiftbridgehelper.Bridge"
    /// Where the .socket unit listens (ListenStream=).
    public static let socketPath = "/run/swift-bridge-helper/io.swiftbridgehelper.Bridge"
    public static let maximumQueues = 16
    /// One message, NUL excluded; larger is refused before parsing.
    public static let maximumMessageBytes = 16384
    /// GetInfo's `url`: the man page, since the service has no web site of its own.
    public static let url = "man:swift-bridge-helperd(8)"

    /// The varlink IDL text (for GetInterfaceDescription and the man page).
    public static let description = """
        # Hands out taps on host bridges to unprivileged users, as swift-bridge-helper
        # does for QEMU: the same ACL (/etc/qemu/bridge.conf), checked as the caller that
        # the kernel names (SO_PEERCRED), and the same quotas.
        interface io.swiftbridgehelper.Bridge

        # Creates a tap, adds it to `bridge` and brings it up, with one queue per file
        # descriptor (IFF_MULTI_QUEUE when queues > 1) and IFF_VNET_HDR when vnetHeader
        # is true. queues is 1 to 16; both default as in the helper (false, 1).
        # The open queue file descriptors come beside the reply, in order, in one
        # SCM_RIGHTS message: fileDescriptors[i] is the index, in that message, of queue
        # i's descriptor, so it is always [0, 1, ..., queues - 1]. oneway, more and
        # upgrade are refused with org.varlink.service.MethodNotImplemented: descriptors
        # can only come back with a reply.
        method OpenTap(bridge: string, vnetHeader: ?bool, queues: ?int) -> (tap: string, fileDescriptors: []int)

        # The ACL or a quota refused the request. lines are the lines the helper would
        # print on stderr, without their newlines.
        error Denied (lines: []string)

        # Anything else stopped the request (the ACL did not load, the bridge is missing,
        # the kernel refused). lines are the helper's stderr lines, without newlines.
        error Failed (lines: []string)

        """

    /// org.varlink.service, which every varlink service provides, as varlink.org gives it.
    static let serviceDescription = """
        # The Varlink Service Interface is provided by every varlink service. It
        # describes the service and the interfaces it implements.
        interface org.varlink.service

        # Get a list of all the interfaces a service provides and information
        # about the implementation.
        method GetInfo() -> (
          vendor: string,
          product: string,
          version: string,
          url: string,
          interfaces: []string
        )

        # Get the description of an interface that is implemented by this service.
        method GetInterfaceDescription(interface: string) -> (description: string)

        # The requested interface was not found.
        error InterfaceNotFound (interface: string)

        # The requested method was not found
        error MethodNotFound (method: string)

        # The interface defines the requested method, but the service does not
        # implement it.
        error MethodNotImplemented (method: string)

        # One of the passed parameters is invalid.
        error InvalidParameter (parameter: string)

        # Client is denied access
        error PermissionDenied ()

        # Method is expected to be called with 'more' set to true, but wasn't
        error ExpectedMore ()

        """

    static let serviceName = "org.varlink.service"
}
