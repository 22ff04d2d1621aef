import Foundation
import Testing

/// One village laptop, driven through the `registry` binary on the clerk's day.
struct Laptop {
    let db: String
    let county: ServerHarness
    let token: String
    var now = "2022-11-04 09:00"

    /// Runs `registry`; returns its exit status, stdout and stderr.
    @discardableResult
    func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: registryBinary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["REGISTRY_DB": db, "REGISTRY_NOW": now, "REGISTRY_TOKEN": token]
        ) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }

    func ok(_ arguments: [String]) throws -> String {
        let result = try run(arguments)
        #expect(result.status == 0, "registry \(arguments.joined(separator: " ")): \(result.err)")
        return result.out
    }

    func sync() throws -> String { try ok(["sync", "--server", county.url.absoluteString]) }

    func json(_ arguments: [String]) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(ok(arguments + ["--format", "json"]).utf8))
                as? [String: Any])
    }
}
