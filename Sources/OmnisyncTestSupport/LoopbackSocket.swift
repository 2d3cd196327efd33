#if canImport(Glibc)
import Glibc
#endif

/// Blocking client sockets to servers on this machine, for test support that
/// speaks to real listeners (the fault proxy's upstream, the agent's local API).
public enum LoopbackSocket {
    /// A connected TCP socket to 127.0.0.1:`port`, or -1.
    public static func connect(port: Int) -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return connect(descriptor, to: &address)
    }

    /// A connected Unix-domain stream socket to `path`, or -1.
    public static func connect(unixPath path: String) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(descriptor)
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return connect(descriptor, to: &address)
    }

    private static func connect<Address>(_ descriptor: Int32, to address: inout Address) -> Int32 {
        guard descriptor >= 0 else { return -1 }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<Address>.size)) }
        }
        if connected != 0 {
            close(descriptor)
            return -1
        }
        return descriptor
    }
}
