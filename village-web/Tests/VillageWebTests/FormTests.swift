import Foundation
import Hummingbird
import HummingbirdTesting
import RegistryCore
import Testing
@testable import VillageWeb

/// The pages' forms in process (HummingbirdTesting's router, no socket) over a registry file: the CSRF token, a
/// refusal beside its field and a saved intake's redirect. The browser tests (Tests/browser) drive the
/// same pages in Chromium.
@Suite("Clerk's forms")
struct FormTests {
    func app() throws -> WebApp {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString).sqlite").path
        let registry = try Registry.open(path: path, now: { Date() })
        _ = try registry.initialize(village: "110105001001", name: "东村")
        return WebApp(registry: registry, options: WebOptions())
    }

    func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    @Test("a form without the page's token is refused; a wrong id digit comes back beside its field; a right one redirects")
    func intake() async throws {
        let web = try app()
        let csrf = web.guardian.open.csrf
        let today = web.registry.clock.today
        let host: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        let unsigned = ["name": "张三", "id_number": "420102199003071231", "from": "武汉市江岸区", "departed": "\(today.adding(days: -2))",
                      "arrived": "\(today.adding(days: -1))", "action": "save"]
        var signed = unsigned
        signed["csrf"] = csrf
        var right = signed
        right["id_number"] = "420102199003071232"
        let (wrongDigit, rightDigit) = (signed, right)
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(uri: "/intake", method: .post, headers: host, body: form(unsigned)) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/intake", method: .post, headers: host, body: form(wrongDigit)) { response in
                #expect(response.status == .unprocessableContent)
                let page = String(buffer: response.body)
                #expect(page.contains("id=\"id_number-error\"") && page.contains("value=\"张三\""))
            }
            try await client.execute(uri: "/intake", method: .post, headers: host, body: form(rightDigit)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/people/420102199003071232?done=registered")
            }
            try await client.execute(uri: "/people/420102199003071232", method: .get, headers: host) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("张三"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            }
        }
        #expect(try web.registry.search("张三").count == 1)
    }
}

@Suite("Clerk's templates")
struct TemplateTests {
    @Test("templates never write a value unescaped (no triple braces, no ampersand tags)")
    func escaped() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/VillageWeb/Templates").standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".mustache") }
        #expect(names.count >= 10)
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name)")
        }
    }
}
