import Foundation
import Hummingbird
import HummingbirdTesting
@testable import RegistryCore
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
        return ByteBuffer(
            string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&"))
    }

    @Test(
        "a form without the page's token is refused; a wrong id digit comes back beside its field; a right one redirects"
    )
    func intake() async throws {
        let web = try app()
        let csrf = web.guardian.open.csrf
        let today = web.registry.clock.today
        let host: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        let unsigned = [
            "name": "张三", "id_number": "420102199003071231", "from": "武汉市江岸区", "departed": "\(today.adding(days: -2))",
            "arrived": "\(today.adding(days: -1))", "action": "save",
        ]
        var signed = unsigned
        signed["csrf"] = csrf
        var right = signed
        right["id_number"] = "420102199003071232"
        let (wrongDigit, rightDigit) = (signed, right)
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(uri: "/intake", method: .post, headers: host, body: form(unsigned)) {
                #expect($0.status == .forbidden)
            }
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

@Suite("Clerk's person page and list")
struct PersonPageTests {
    func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> (
        HTTPResponse.Status, String, String?
    ) {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = ByteBuffer(
            string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
                .joined(separator: "&"))
        return try await client.execute(
            uri: uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"], body: body
        ) {
            ($0.status, String(buffer: $0.body), $0.headers[.location])
        }
    }

    @Test(
        "each action on a person: a wrong value comes back beside its field (422), a right one is done and redirects (303)"
    )
    func actions() async throws {
        let web = try Self.withCloseContact()
        let today = web.registry.clock.today
        let csrf = web.guardian.open.csrf
        let path = "/people/420102199003071232"
        try await Application(router: web.router()).test(.router) { client in
            let cases: [(action: String, wrong: [String: String], field: String, right: [String: String])] = [
                ("check", ["temp": "3b.6"], "temp", ["temp": "37.6", "symptom": "咳嗽"]),
                (
                    "test", ["sampled": "2022-13-01", "result": "negative"], "sampled",
                    ["sampled": "\(today)", "result": "negative"]
                ),
                ("extend", ["days": "七", "reason": "复核"], "days", ["days": "3", "reason": "复核"]),
                (
                    "correct", ["phone": "1380013800"], "phone",
                    ["name": "张三", "phone": "13800138000", "address": "一组3号"]
                ),
            ]
            for c in cases {
                var wrong = c.wrong
                var right = c.right
                wrong["csrf"] = csrf
                right["csrf"] = csrf
                let (status, page, _) = try await post(client, "\(path)/\(c.action)", wrong)
                #expect(status == .unprocessableContent, "\(c.action)")
                #expect(page.contains("id=\"\(c.field)-error\""), "\(c.action): the message is beside \(c.field)")
                let (saved, _, location) = try await post(client, "\(path)/\(c.action)", right)
                #expect(saved == .seeOther, "\(c.action)")
                #expect(
                    location?.hasPrefix(c.action == "delete" ? "/people?done=deleted" : "\(path)?done=") == true,
                    "\(c.action): \(location ?? "")")
            }
        }
        let file = try web.registry.file("420102199003071232")
        #expect(
            file.checks.first?.temperature == 37.6 && file.person.phone == "13800138000"
                && file.person.address == "一组3号")
        #expect(file.trips.first?.tests.contains { $0.sampledOn == today } == true)
        try await Application(router: web.router()).test(.router) { client in
            let (refused, page, _) = try await post(client, "\(path)/delete", ["reason": "", "csrf": csrf])
            #expect(refused == .unprocessableContent && page.contains("id=\"reason-error\""))
            let (deleted, _, location) = try await post(client, "\(path)/delete", ["reason": "重复登记", "csrf": csrf])
            #expect(deleted == .seeOther && location == "/people?done=deleted")
        }
        #expect(try web.registry.search("张三").isEmpty)
    }

    @Test("the person page links the notice to print: the measure's while it holds, the release notice once released")
    func notices() async throws {
        let web = try Self.withCloseContact()
        let today = web.registry.clock.today
        let path = "/people/420102199003071232"
        try await Application(router: web.router()).test(.router) { client in
            let page = try await client.execute(uri: path, method: .get) { String(buffer: $0.body) }
            #expect(page.contains("href=\"\(path)/notice/quarantine\"") && page.contains("打印管控告知书"))
            try await client.execute(uri: "\(path)/notice/quarantine", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(
                    response.status == .ok && html.contains("集中隔离告知书") && html.contains("420102199003071232")
                        && html.contains("@page{size:A4"))
            }
            // Not released: no release notice, and the page says why.
            try await client.execute(uri: "\(path)/notice/release", method: .get) { response in
                #expect(response.status == .notFound && String(buffer: response.body).contains("尚未解除管控"))
            }
            try await client.execute(uri: "\(path)/notice/other", method: .get) { #expect($0.status == .notFound) }
        }
        _ = try web.registry.release("420102199003071232", on: today, reason: "转县集中隔离点，由隔离点解除", force: true, actor: nil)
        try await Application(router: web.router()).test(.router) { client in
            let page = try await client.execute(uri: path, method: .get) { String(buffer: $0.body) }
            #expect(page.contains("href=\"\(path)/notice/release\"") && !page.contains("notice/quarantine"))
            try await client.execute(uri: "\(path)/notice/release", method: .get) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("解除隔离告知书"))
            }
        }
    }

    /// Pages over a registry holding 张三 (420102199003071232), a close contact who arrived today.
    static func withCloseContact() throws -> WebApp {
        let web = try FormTests().app()
        let today = web.registry.clock.today
        var form = IntakeForm()
        (form.name, form.idNumber, form.category) = ("张三", "420102199003071232", "close_contact")
        form.stays = [.init(code: "420102", to: "\(today.adding(days: -1))")]
        form.arrived = "\(today)"
        _ = try web.registry.intake(form)
        return web
    }

    /// The 17 digits with their check digit (GB 11643).
    static func residentID(_ body: String) -> String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }

    @Test("the list pages by fifty, keeps the search and filter in its links")
    func paging() async throws {
        let web = try FormTests().app()
        var csv = "姓名,身份证号,来源地代码,离开日期,到达日期\n"
        for i in 0..<120 {
            csv +=
                "人员\(i),\(Self.residentID("11010119900101" + String(format: "%03d", i))),420102,2022-11-01,2022-11-02\n"
        }
        let report = try web.registry.importArrivals(try CSVFile(data: Data(csv.utf8), file: "p.csv"))
        #expect(report.imported == 120)
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(uri: "/people?page=3", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("共 120 人，第 3/3 页"))
                #expect(page.components(separatedBy: "<tr><td><a href=\"/people/").count - 1 == 20)
                #expect(page.contains("上一页") && !page.contains("id=\"next-page\""))
            }
            try await client.execute(uri: "/people?q=%E4%BA%BA%E5%91%9811&filter=all", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("共 11 人"), "人员11 and 人员110–119")
            }
        }
    }
}

@Suite("Clerk's templates")
struct TemplateTests {
    @Test("templates never write a value unescaped (no triple braces, no ampersand tags)")
    func escaped() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../Sources/VillageWeb/Templates"
        ).standardized
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".mustache") }
        #expect(names.count >= 10)
        for name in names {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains("{{{") && !text.contains("{{&"), "\(name)")
        }
    }
}

@Suite("Clerk's work list after a late risk area")
struct LateRiskPageTests {
    @Test("a risk area imported after an arrival lists the person first on 今日工作 as 新增风险人员, above the declarations")
    func reclassifiedFirst() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("web-\(UUID().uuidString).sqlite").path
        let now = RegistryClock.fixed(Date()).instant(Day("2022-11-05")!, hour: 9, minute: 0)
        let registry = try Registry.open(path: path, now: { now })
        _ = try registry.initialize(village: "110105001001", name: "东村")
        var form = IntakeForm()
        form.name = "王强"
        form.idNumber = "310115199001011232"
        form.stays = [.init(code: "310115", name: "上海市浦东新区", from: "", to: "2022-11-03")]
        form.arrived = "2022-11-04"
        _ = try registry.intake(form)
        let areas = "code,name,level,in_force_from,lifted_on\n310115,上海市浦东新区,高,2022-11-01,\n"
        let imported = try registry.importRiskAreas(try CSVFile(data: Data(areas.utf8), file: "areas.csv"))
        #expect(imported.reclassified.map(\.name) == ["王强"])
        let web = WebApp(registry: registry, options: WebOptions())
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(uri: "/today", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                let listed = try #require(page.range(of: "id=\"reclassified\""))
                #expect(listed.lowerBound < page.range(of: "id=\"declarations\"")!.lowerBound)
                #expect(page.contains("新增风险人员") && page.contains("王强") && page.contains("低风险区 → 高风险区"), "\(page)")
            }
        }
    }
}

@Suite("Clerk's login under attack")
struct LoginLockoutTests {
    @Test(
        "ten wrong passwords from one address lock that address for the minute; the clerk at another address still signs in; an IPv6 /64 counts as one"
    )
    func perAddress() {
        let guardian = SessionGuard(options: WebOptions(host: "0.0.0.0", password: "村委会密码"))
        for _ in 0..<10 { #expect(guardian.login("guess", from: "192.168.1.50") == .wrong) }
        #expect(guardian.login("村委会密码", from: "192.168.1.50") == .tooMany)
        #expect(
            guardian.login("村委会密码", from: "192.168.1.7").signedIn, "someone else's guesses never lock the clerk out")
        // One sender's many IPv6 addresses are one: the /64.
        for n in 0..<10 { #expect(guardian.login("guess", from: "2001:db8:1:2::\(n + 1)") == .wrong) }
        #expect(guardian.login("村委会密码", from: "2001:db8:1:2:ffff::9") == .tooMany)
        #expect(guardian.login("村委会密码", from: "2001:db8:1:3::1").signedIn)
        #expect(PageSecurity.clientKey("::ffff:10.1.2.3") == "10.1.2.3")
        #expect(PageSecurity.clientKey("2001:DB8:0:0:1::1") == "2001:db8:0:0::/64")
        #expect(PageSecurity.clientKey("fe80::1") == "fe80:0:0:0::/64")
    }
}

extension SessionGuard.Login {
    static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case (.wrong, .wrong), (.tooMany, .tooMany): true
        case (.signedIn, .signedIn): true
        default: false
        }
    }
    var signedIn: Bool { if case .signedIn = self { true } else { false } }
}

/// A value stored before the checks existed (or by an older registry) that holds a bidirectional override or an
/// escape sequence: every page and document shows it without them.
@Suite("Stored controls")
struct StoredControlsTests {
    @Test("a stored name with U+202E and ESC is shown without them on the person page, the list, today and the notice")
    func storedControls() async throws {
        let web = try PersonPageTests.withCloseContact()
        try await web.registry.writer.write { db in
            try db.execute(
                sql: "UPDATE person SET name = ?, address = ?", arguments: ["张\u{202E}三\u{1B}[2J", "一组\u{2066}3号"])
        }
        try await Application(router: web.router()).test(.router) { client in
            for uri in [
                "/people/420102199003071232", "/people", "/today", "/people/420102199003071232/notice/quarantine",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    let page = String(buffer: response.body)
                    #expect(response.status == .ok, "\(uri)")
                    #expect(
                        !page.unicodeScalars.contains { $0 == "\u{202E}" || $0 == "\u{1B}" || $0 == "\u{2066}" },
                        "\(uri) shows a control character")
                    #expect(page.contains("张三"), "\(uri)")
                }
            }
        }
    }

    @Test("the pages' escaping: markup escaped, controls and bidi removed, tab and line breaks kept")
    func escaping() throws {
        let template = try PageTemplate.parse(Array("<p>{{value}}</p>".utf8))
        #expect(
            template.render(["value": "<b>\"王\"</b> & '\u{202E}李\u{200F}'\t\n\u{7}"])
                == "<p>&lt;b&gt;&quot;王&quot;&lt;/b&gt; &amp; &#39;李&#39;\t\n</p>")
    }
}

/// A fever typed on the pages (issue 37): an alert where it is typed, first on 今日工作 until a test is recorded.
@Suite("Fever on the pages")
struct FeverPageTests {
    @Test("38.2 ℃ on the person page: a red alert, not a green 'recorded'; listed first on today until sampled")
    func fever() async throws {
        let web = try PersonPageTests.withCloseContact()
        let csrf = web.guardian.open.csrf
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        let path = "/people/420102199003071232"
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(
                uri: "\(path)/check", method: .post, headers: headers,
                body: FormTests().form(["temp": "38.2", "symptom": "咳嗽、头疼", "csrf": csrf])
            ) { response in
                #expect(response.status == .seeOther)
                let location = response.headers[.location] ?? ""
                #expect(location.contains("done=checkedAbnormal"), "\(location)")
                try await client.execute(uri: location, method: .get) { page in
                    let html = String(buffer: page.body)
                    #expect(html.contains("class=\"alert\" id=\"flash\"") && html.contains("请立即报告村医"), "\(html)")
                    #expect(!html.contains("体温已记录。"))
                    // The clerk's words, not 干咳 (issue 37, item 9).
                    #expect(html.contains("咳嗽、头疼") && !html.contains("干咳"), "\(html)")
                    // Who set the plan is the village, not the program; the policy by the name people use.
                    #expect(html.contains("东村 政策 ") && !html.contains("20measures") && !html.contains("9th"), "\(html)")
                }
            }
            try await client.execute(uri: "/today", method: .get) { response in
                let html = String(buffer: response.body)
                let fever = try #require(html.range(of: "id=\"fevers\""), "no fever section")
                #expect(html.range(of: "id=\"declarations\"").map { fever.lowerBound < $0.lowerBound } == true)
                #expect(html.contains("体温 38.2 ℃ 咳嗽、头疼"), "\(html)")
            }
            // Sampled today: no longer listed.
            try await client.execute(
                uri: "\(path)/test", method: .post, headers: headers,
                body: FormTests().form([
                    "sampled": "\(web.registry.clock.today)", "result": "pending", "csrf": csrf,
                ])
            ) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/today", method: .get) { response in
                #expect(!String(buffer: response.body).contains("id=\"fevers\""))
            }
        }
    }
}

/// Another name for a registered id number on the intake page (issue 37): shown beside the name, saved only when the
/// clerk confirms the change of name.
@Suite("Rename on the pages")
struct RenamePageTests {
    @Test("the preview and the save say the id number is registered as 张三; 确认更名 = 是 saves the new name")
    func rename() async throws {
        let web = try PersonPageTests.withCloseContact()
        let csrf = web.guardian.open.csrf
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        let today = web.registry.clock.today
        let preview = [
            "name": "张小三", "id_number": "420102199003071232", "from": "420102",
            "departed": "\(today.adding(days: -1))", "arrived": "\(today)", "csrf": csrf, "action": "preview",
        ]
        let save = preview.merging(["action": "save"]) { $1 }
        let confirmed = save.merging(["rename": "yes"]) { $1 }
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(uri: "/intake", method: .post, headers: headers, body: FormTests().form(preview)) {
                response in
                #expect(response.status == .unprocessableContent)
                let page = String(buffer: response.body)
                #expect(page.contains("id=\"name-error\"") && page.contains("已登记为 张三"), "\(page)")
            }
            try await client.execute(uri: "/intake", method: .post, headers: headers, body: FormTests().form(save)) {
                #expect($0.status == .unprocessableContent)
            }
            #expect(try web.registry.file("420102199003071232").person.name == "张三")
            try await client.execute(uri: "/intake", method: .post, headers: headers, body: FormTests().form(confirmed))
            {
                #expect($0.status == .seeOther)
            }
            #expect(try web.registry.file("420102199003071232").person.name == "张小三")
        }
    }
}

/// The report page once submitted (issue 37): what was sent, remarks included, in times people read.
@Suite("Report page after submitting")
struct ReportPageTests {
    @Test("after submitting: the remarks shown and kept in the form, no 请核实后报送, times as 11月5日 18:10")
    func submitted() async throws {
        let web = try PersonPageTests.withCloseContact()
        let csrf = web.guardian.open.csrf
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(
                uri: "/report", method: .post, headers: headers,
                body: FormTests().form(["reporter": "李会计", "remarks": "张三已转运", "csrf": csrf])
            ) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/report", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("填报人 李会计") && page.contains("备注：张三已转运"), "\(page)")
                #expect(page.contains("value=\"张三已转运\""))
                #expect(!page.contains("请核实后报送"))
                #expect(page.range(of: #"时间 \d+月\d+日 \d\d:\d\d"#, options: .regularExpression) != nil, "\(page)")
                #expect(!page.contains("+08:00"))
            }
        }
    }
}

@Suite("Words on the person page")
struct PersonWordsTests {
    @Test("a planned test not yet sampled reads 待采样, not 待出结果; the policy reads 第九版 or 二十条, not 9th")
    func words() async throws {
        let web = try PersonPageTests.withCloseContact()
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(uri: "/people/420102199003071232", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("待采样") && !page.contains("<td>待出结果</td>"), "\(page)")
                #expect(!page.contains(">9th<") && !page.contains(">20measures<") && !page.contains(">8th<"))
            }
        }
    }
}

@Suite("Every problem at once")
struct AllProblemsTests {
    @Test("a wrong id digit, a short phone and a departure after the arrival come back together, with a summary on top")
    func together() async throws {
        let web = try FormTests().app()
        let csrf = web.guardian.open.csrf
        let today = web.registry.clock.today
        let fields = [
            "name": "张三", "id_number": "420102199003071231", "phone": "1380013", "from": "武汉市江岸区",
            "departed": "\(today)", "arrived": "\(today.adding(days: -1))", "action": "save", "csrf": csrf,
        ]
        try await Application(router: web.router()).test(.router) { client in
            try await client.execute(
                uri: "/intake", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: FormTests().form(fields)
            ) { response in
                #expect(response.status == .unprocessableContent)
                let page = String(buffer: response.body)
                for field in ["id_number", "phone", "departed"] {
                    #expect(page.contains("id=\"\(field)-error\""), "\(field) has no message beside it")
                }
                #expect(page.contains("有 3 处需要修改"), "\(page)")
                #expect(page.contains("value=\"张三\""), "what was typed is kept")
            }
        }
    }
}
