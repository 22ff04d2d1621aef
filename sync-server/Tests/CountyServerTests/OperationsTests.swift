import Foundation
import RegistryCore
import RegistrySync
import Testing

@testable import VillageWeb

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// What a county's IT officer and a clerk meet in deployment (issue 20): HTTPS with the county's own certificate,
/// the token kept off the command line, a client too old refused with what to install, exit codes that say what to
/// do next.
@Suite("Deployment: TLS, tokens, versions, exit codes", .serialized)
struct OperationsTests {
    /// Runs the `registry` binary; its exit status and what it printed on stderr.
    static func registry(_ db: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (
        Int32, String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: registryBinary)
        process.arguments = arguments + ["--lang", "en"]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["REGISTRY_DB": db].merging(environment) { $1 }
        ) { $1 }
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        process.standardInput = FileHandle.nullDevice  // no terminal: no prompt
        try process.run()
        let data = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A certificate for 127.0.0.1 made now (openssl), self-signed: the county's own authority.
    static func certificate(in directory: String) throws -> (cert: String, key: String) {
        let cert = directory + "/county-cert.pem"
        let key = directory + "/county-key.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
            "-subj", "/CN=演示县 sync-server", "-utf8", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return (cert, key)
    }

    @Test(
        "HTTPS with the county's own certificate: trusted with --ca-cert (remembered), refused without; the token from $REGISTRY_TOKEN, stored 0600; 77, 69, 64"
    )
    func tls() async throws {
        let county = try ServerHarness()
        let (cert, key) = try Self.certificate(in: county.path(""))
        #expect(try county.refusal(["serve", "--tls-cert", cert]).contains("--tls-cert and --tls-key go together"))
        try county.start(extra: ["--tls-cert", cert, "--tls-key", key])
        defer { county.stop() }
        let https = "https://127.0.0.1:\(county.port)"
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let db = county.path("village.sqlite")
        _ = try Self.registry(db, ["init", "--village", "110105001001", "--name", "东村"])

        // Not trusted without the county's certificate: nothing sent, a clear line, exit 1.
        let (untrusted, message) = try Self.registry(
            db, ["sync", "--server", https], environment: ["REGISTRY_TOKEN": token])
        #expect(
            untrusted == 1 && message.contains("is not trusted: give the county's CA file (PEM) with --ca-cert"),
            "\(message)")
        // Nothing of a sync that failed is remembered: the next one names the server again. Trusted with the CA; the
        // token came from the environment and is kept in the registry's own file, readable by its owner only.
        #expect(try Self.registry(db, ["sync", "--ca-cert", cert], environment: ["REGISTRY_TOKEN": token]).0 == 64)
        let (synced, output) = try Self.registry(
            db, ["sync", "--server", https, "--ca-cert", cert], environment: ["REGISTRY_TOKEN": token])
        #expect(synced == 0, "\(output)")
        #expect(try FileManager.default.attributesOfItem(atPath: db)[.posixPermissions] as? Int == 0o600)
        // All three remembered once it worked: the next sync needs none.
        #expect(try Self.registry(db, ["sync"]).0 == 0)
        // A refused token: 77, and the good one is kept: a plain sync works next. A mistyped address: 69 with what
        // to do, and the good one is kept too.
        let (wrong, why) = try Self.registry(
            db, ["sync", "--server", https], environment: ["REGISTRY_TOKEN": "not-a-token"])
        #expect(wrong == 77, "\(why)")
        #expect(try Self.registry(db, ["sync"]).0 == 0, "the refused token replaced nothing")
        let (typo, typoWhy) = try Self.registry(db, ["sync", "--server", "https://no-such-county.invalid:8443"])
        #expect(typo == 69 && typoWhy.contains("check the server address for a typo"), "\(typoWhy)")
        #expect(try Self.registry(db, ["sync"]).0 == 0, "the mistyped address replaced nothing")
        // The clerk's pages sync with what the CLI remembered, the county's own CA included.
        let runner = SyncRunner(registry: try Registry.open(path: db, now: { Date() }))
        #expect(try runner.start(server: nil, token: nil))
        for _ in 0..<100 {
            if case .running = runner.current { try await Task.sleep(for: .milliseconds(100)) } else { break }
        }
        if case .failed(let message, _) = runner.current { Issue.record("the page's sync failed: \(message)") }
        guard case .finished = runner.current else {
            Issue.record("the page's sync did not finish")
            return
        }
        // The server gone: 69 (nothing lost). A token over plain http to another machine: 64.
        county.stop()
        let (down, downWhy) = try Self.registry(db, ["sync"])
        #expect(down == 69 && downWhy.contains("nothing is lost"), "\(downWhy)")
        let (clear, clearWhy) = try Self.registry(db, ["sync", "--server", "http://192.0.2.1:8080"])
        #expect(clear == 64 && clearWhy.contains("--insecure-http"), "\(clearWhy)")
        // The same rule for a county's link to its city.
        #expect(
            try county.refusal(["upstream", "set", "--server", "http://192.0.2.1:8080", "--token", "t"]).contains(
                "--insecure-http"))
        try county.command(["upstream", "set", "--server", "http://192.0.2.1:8080", "--token", "t", "--insecure-http"])
    }

    @Test(
        "a client declaring a version older than the schema needs is refused with the version to install; --version prints it"
    )
    func versions() async throws {
        let county = try ServerHarness()
        try county.start()
        defer { county.stop() }
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        var request = URLRequest(url: county.url.appendingPathComponent("v1/sync/pull"))
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("0.19.3", forHTTPHeaderField: Wire.versionHeader)
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 426)
        let body = try JSONDecoder().decode(Wire.ErrorBody.self, from: data)
        #expect(
            body.message.contains("install registry \(RegistryVersion.minimumClient) or later")
                && body.error == "client_too_old")
        #expect(
            RegistryVersion.isAtLeast("0.20.0", "0.20.0") == true
                && RegistryVersion.isAtLeast("0.9.9", "0.20.0") == false)
        #expect(
            RegistryVersion.isAtLeast("1.0.0-beta", "0.20.0") == true && RegistryVersion.isAtLeast("x", "0.20.0") == nil
        )
        #expect(try county.command(["--version"]) == RegistryVersion.current)
    }
}
