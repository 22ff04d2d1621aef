import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import RegistryCore
@testable import VillageWeb

/// 不联网同步 on the clerk's sync page (issue 39): the file for the county is downloaded from the page, imported by the
/// built `sync-server` as the county would, and its answer uploaded back through the page.
@Suite("Clerk's carried sync files")
struct CarriedPageTests {
    static let syncServer = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../.build/debug/sync-server").standardized.path

    /// Runs the county's `sync-server` in `dir`; stdout, or the refusal as a thrown error.
    @discardableResult
    func county(_ arguments: [String], in dir: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.syncServer)
        process.arguments = arguments + ["--db", dir.appendingPathComponent("county.sqlite").path]
        process.currentDirectoryURL = dir
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RegistryError(nil, zh: "", en: String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func upload(_ client: some TestClientProtocol, _ fields: [String: String], file: Data, name: String) async throws
        -> (HTTPResponse.Status, String)
    {
        let boundary = "----carried\(UUID().uuidString.prefix(8))"
        var body = Data()
        for (key, value) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Data(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                .utf8)
        body += file + Data("\r\n--\(boundary)--\r\n".utf8)
        return try await client.execute(
            uri: "/sync/from-file", method: .post,
            headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(bytes: body)
        ) { ($0.status, String(buffer: $0.body)) }
    }

    @Test(
        "download the file (the token asked when none is remembered), the county imports it, the answer uploaded acknowledges the changes and brings the risk areas; an altered answer is refused"
    )
    func carriedThroughThePage() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("carried-page-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try county(["init", "--county", "110105", "--name", "朝阳区"], in: dir)
        try "code,name,township_code,township_name\n110105001001,东村,110105001,一街道\n".write(
            to: dir.appendingPathComponent("villages.csv"), atomically: true, encoding: .utf8)
        try county(["villages", "import", "villages.csv"], in: dir)
        try "code,name,level,in_force_from,lifted_on\n420102,武汉市江岸区,高,2022-06-20,\n".write(
            to: dir.appendingPathComponent("areas.csv"), atomically: true, encoding: .utf8)
        try county(["risk-areas", "import", "areas.csv"], in: dir)
        let token = try county(["token", "issue", "--village", "110105001001"], in: dir)

        let registry = try Registry.open(path: dir.appendingPathComponent("village.sqlite").path, now: { Date() })
        _ = try registry.initialize(village: "110105001001", name: "东村")
        var form = IntakeForm()
        form.name = "王强"
        form.idNumber = "420102199001011236"
        form.phone = "13800138000"
        form.stays = [.init(code: "420102", name: "武汉市江岸区", from: "", to: "2022-11-03")]
        form.arrived = "2022-11-04"
        _ = try registry.intake(form)
        let pending = try SyncStatus.of(registry).pending
        let web = WebApp(registry: registry, options: WebOptions())
        let csrf = web.guardian.open.csrf
        try await Application(router: web.router()).test(.router) { client in
            let page = try await client.execute(uri: "/sync", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("下载同步文件（\(pending) 条待上传）") && page.contains("id=\"to-file-token\""))
            let noToken = try await PersonPageTests().post(client, "/sync/to-file", ["csrf": csrf])
            #expect(noToken.0 == .unprocessableContent && noToken.1.contains("请填写本村令牌"), "\(noToken.1)")
            let forged = try await PersonPageTests().post(client, "/sync/to-file", ["token": token])
            #expect(forged.0 == .forbidden, "no CSRF token, no file")

            let (status, disposition, file) = try await client.execute(
                uri: "/sync/to-file", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "csrf=\(csrf)&token=\(token)")
            ) { ($0.status, $0.headers[.contentDisposition] ?? "", Data(buffer: $0.body)) }
            #expect(status == .ok && disposition.contains("110105001001-") && disposition.contains(".sync"))
            #expect(!String(decoding: file, as: UTF8.self).contains(token), "the token is never in the file")
            try file.write(to: dir.appendingPathComponent("village.sync"))
            let imported = try county(["bundle", "import", "village.sync", "--answer-to", "village.answer"], in: dir)
            #expect(imported.contains("收到 \(pending) 条"), "\(imported)")
            let answer = try Data(contentsOf: dir.appendingPathComponent("village.answer"))

            var altered = answer
            altered[altered.count - 5] ^= 0x01
            let refused = try await upload(
                client, ["csrf": csrf, "token": token], file: altered, name: "village.answer")
            #expect(refused.0 == .unprocessableContent && refused.1.contains("校验失败"), "\(refused.1)")
            #expect(try SyncStatus.of(registry).pending == pending, "nothing applied")

            let applied = try await upload(
                client, ["csrf": csrf, "token": token], file: answer, name: "village.answer")
            #expect(applied.0 == .ok && applied.1.contains("同步完成：上传 \(pending) 条"), "\(applied.1)")
            #expect(applied.1.contains("风险区变化"), "the risk areas came down and acted")
            #expect(!applied.1.contains("id=\"to-file-token\""), "the token that sealed an answer is remembered")
        }
        #expect(try registry.syncState().token == token)
    }
}

extension Data {
    fileprivate init(buffer: ByteBuffer) { self = Data(buffer.readableBytesView) }
}
