import Foundation

/// A TCP connection to 127.0.0.1:`port` from `source` (any 127.x.y.z address is this machine), that sends nothing;
/// -1 on failure.
func openIdleSocket(from source: String, port: Int) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var local = sockaddr_in()
    local.sin_family = sa_family_t(AF_INET)
    inet_pton(AF_INET, source, &local.sin_addr)
    var remote = sockaddr_in()
    remote.sin_family = sa_family_t(AF_INET)
    remote.sin_port = in_port_t(UInt16(port).bigEndian)
    inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr)
    let ok =
        withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
        && withUnsafePointer(to: &remote) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        } == 0
    if !ok {
        close(fd)
        return -1
    }
    return fd
}

/// Sends `text` on a socket (a request's first bytes, or all of it).
func send(_ fd: Int32, _ text: String) {
    _ = text.utf8CString.withUnsafeBufferPointer { Foundation.send(fd, $0.baseAddress, $0.count - 1, 0) }
}

/// Whether the server has closed the connection (a read returns end of file at once).
func isClosedByPeer(_ fd: Int32) -> Bool {
    guard fd >= 0 else { return true }
    var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&pfd, 1, 0) > 0 else { return false }
    var byte: UInt8 = 0
    return recv(fd, &byte, 1, Int32(MSG_DONTWAIT)) <= 0
}

/// Waits until `condition` holds or `seconds` pass; whether it held.
func eventually(within seconds: Double, _ condition: () -> Bool) async throws -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return condition()
}

/// A whole GET over a new connection from 127.0.0.1, as a client that arrives now would send it; the status line.
func get(_ path: String, port: Int) async throws -> String {
    let fd = openIdleSocket(from: "127.0.0.1", port: port)
    defer { close(fd) }
    send(fd, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    var answer = [UInt8]()
    var buffer = [UInt8](repeating: 0, count: 4096)
    let end = Date().addingTimeInterval(30)  // a loaded machine (the whole suite in parallel) answers slowly
    while Date() < end {
        let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
        if n > 0 {
            answer += buffer.prefix(n)
        } else if n == 0 {
            break
        } else {
            try await Task.sleep(for: .milliseconds(20))
        }
    }
    return String(decoding: answer, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
}
