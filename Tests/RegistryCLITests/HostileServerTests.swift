import Foundation
import Testing

/// The village's side of the second security review (issue 34): what a hostile or impersonated county can do to
/// `registry sync`, through the built binary against a real process on 127.0.0.1.
@Suite("A hostile county", .serialized)
struct HostileServerTests {
    /// A server on 127.0.0.1 that answers every request with `megabytes` of zeros; the process and its port.
    func floodingServer(megabytes: Int) throws -> (Process, Int) {
        let script = """
            import socket, sys
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 0)); s.listen(4)
            print(s.getsockname()[1], flush=True)
            chunk = b"0" * (1 << 20)
            while True:
                c, _ = s.accept()
                c.recv(65536)
                try:
                    c.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n" % ($MB << 20))
                    for _ in range($MB):
                        c.sendall(chunk)
                except OSError:
                    pass
                c.close()
            """.replacingOccurrences(of: "$MB", with: "\(megabytes)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        // Not the test runner's own streams: a child that outlived a failed test would hold them open.
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        var line = ""
        while !line.hasSuffix("\n") {
            let data = out.fileHandleForReading.availableData
            if data.isEmpty { break }
            line += String(decoding: data, as: UTF8.self)
        }
        return (process, try #require(Int(line.trimmingCharacters(in: .whitespacesAndNewlines))))
    }

    @Test("a server answering with a gigabyte is cut off with one line; the CLI's memory stays bounded")
    func hugeAnswer() throws {
        let (server, port) = try floodingServer(megabytes: 1024)
        defer {
            // SIGKILL: a child may inherit the runner's ignored SIGTERM.
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        var cli = CLI(db: CLI.temporaryDatabase())
        #expect(try cli.run(["init", "--village", "110105001001", "--name", "测试村"]).status == 0)
        cli.env["REGISTRY_TOKEN"] = "a-token"
        let result = try cli.runMeasured(["sync", "--server", "http://127.0.0.1:\(port)"])
        #expect(result.status != 0)
        #expect(result.err.contains("128 MB") && result.err.split(separator: "\n").count == 1, "\(result.err)")
        #expect(result.peakMB > 0 && result.peakMB < 400, "peak \(result.peakMB) MB")
    }
}
