import Testing
@testable import BridgePolicy

@Test func parsesQEMUArguments() {
    let request = try? parseArguments([Array("--use-vnet".utf8), Array("--fd=5".utf8), Array("--br=br0".utf8)]).get()
    #expect(request == HelperRequest(useVnet: true, bridge: Array("br0".utf8), socketFD: 5))
}
