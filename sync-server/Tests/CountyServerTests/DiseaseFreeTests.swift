import Foundation
import RegistryCore
import Testing

/// 无疫村 status from the data (issue 40), through a real server and the built `registry`: a village that reports on
/// time for 14 days and releases its returnee meets the criteria, is reviewed and recorded, prints its certificate
/// on one A4 page, and loses the status at once on a positive.
@Suite("无疫村 status", .serialized)
struct DiseaseFreeTests {
    func status(_ county: ServerHarness, _ date: String) throws -> [String: [String: Any]] {
        let json = try county.command(["villages", "status", "--date", date, "--format", "json"])
        let list = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        return Dictionary(list.map { ($0["village"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    func holds(_ line: [String: Any]?, _ id: String) -> Bool? {
        (line?["evidence"] as? [[String: Any]])?.first { $0["id"] as? String == id }?["holds"] as? Bool
    }

    @Test(
        "14 days reported on time and the returnee released: eligible, reviewed, recorded, certificate on one page; a positive loses it at once; the village that missed reports never qualifies"
    )
    func diseaseFree() async throws {
        let county = try ServerHarness(environment: ["SYNC_SERVER_NOW": "2022-11-01T09:00:00+08:00"])
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let countyToken = try county.command(["token", "issue", "--county"])
        func dashboard() async throws -> String {
            let (_, page) = try await county.transport(countyToken).send(
                "GET", "/dashboard", query: ["date": "2022-11-14"], body: nil)
            return String(decoding: page, as: UTF8.self)
        }
        var clerk = Laptop(
            db: county.path("village-one.sqlite"), county: county, token: token, now: "2022-11-01 09:00")
        _ = try clerk.ok(["init", "--village", "110105001001", "--name", "一村"])
        try county.start()
        _ = try clerk.sync()
        _ = try clerk.ok([
            "intake", "--name", "王强", "--id-number", "420102199001011236", "--phone", "13800138000", "--from", "420102",
            "--departed", "2022-10-30", "--arrived", "2022-11-01",
        ])
        for day in 1...14 {
            clerk.now = String(format: "2022-11-%02d 10:00", day)
            _ = try clerk.ok(["report", "submit", "--reporter", "王会计"])
        }
        try county.setClock("2022-11-14T10:00:00+08:00")
        _ = try clerk.sync()

        var today = try status(county, "2022-11-14")
        let one = today["110105001001"]
        #expect(
            holds(one, "reports_on_time") == true && holds(one, "no_new_positive") == true, "\(String(describing: one))"
        )
        #expect(holds(one, "no_overdue_release") == false, "the returnee's quarantine ended unreleased")
        #expect(today["110105001002"]?["status"] as? String == "not_eligible")
        #expect(holds(today["110105001002"], "reports_on_time") == false)
        let refused = try county.refusal(["villages", "review", "110105001001", "--by", "乡镇王"])
        #expect(refused.contains("does not meet the criteria") && refused.contains("没有管控期满"), "\(refused)")

        _ = try clerk.ok(["release", "420102199001011236", "--by", "村医"])
        // A sweep is under way: one household of two reached, so not yet.
        try "住址,户主\n一组1号,王建国\n一组2号,李秀英\n".write(
            toFile: county.path("register.csv"), atomically: true, encoding: .utf8)
        _ = try clerk.ok(["households", "import", county.path("register.csv")])
        _ = try clerk.ok(["sweep", "start", "--reason", "新增风险区"])
        _ = try clerk.ok(["sweep", "visit", "一组1号", "--result", "seen"])
        _ = try clerk.sync()
        today = try status(county, "2022-11-14")
        let sweeping = (today["110105001001"]?["evidence"] as? [[String: Any]])?.first {
            $0["id"] as? String == "sweep_complete"
        }
        #expect(sweeping?["holds"] as? Bool == false && sweeping?["detail"] as? String == "最近一轮已排查 1/2 户")
        _ = try clerk.ok(["sweep", "visit", "一组2号", "--result", "refused"])
        _ = try clerk.sync()
        today = try status(county, "2022-11-14")
        #expect(
            today["110105001001"]?["status"] as? String == "eligible", "\(String(describing: today["110105001001"]))")
        #expect(
            try county.refusal(["villages", "certify", "110105001001", "--by", "县李"]).contains(
                "reviewed by the township"))
        #expect(try county.command(["villages", "review", "110105001001", "--by", "乡镇王"]).contains("乡镇已审核"))
        #expect(try county.command(["villages", "certify", "110105001001", "--by", "县李"]).contains("无疫村（已认定）"))

        #expect(try await dashboard().contains("已认定 1 个，乡镇已审核待认定 0 个，已失去资格 0 个"))

        // The certificate: one A4 page listing the evidence and who did what.
        let html = county.path("certificate.html")
        _ = try county.command(["villages", "certificate", "110105001001", "-o", html])
        let pdf = county.path("certificate.pdf")
        try run(
            "/usr/bin/chromium",
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--print-to-pdf=\(pdf)",
                "file://\(html)",
            ])
        #expect(try run("/usr/bin/pdfinfo", [pdf]).contains("Pages:           1"))
        let text = try run("/usr/bin/pdftotext", ["-layout", pdf, "-"])
        #expect(text.contains("无疫村（社区）认定表") && text.contains("无疫村（已认定）"), "\(text)")
        #expect(text.contains("14 天中按时 14 天") && text.contains("乡镇王") && text.contains("县李"), "\(text)")

        // A positive: the status is lost at once, before anyone revokes it; the revocation is kept with its reason.
        _ = try clerk.ok(["test", "420102199001011236", "--sampled", "2022-11-14", "--result", "positive"])
        _ = try clerk.sync()
        today = try status(county, "2022-11-14")
        #expect(today["110105001001"]?["status"] as? String == "lost")
        #expect(holds(today["110105001001"], "no_new_positive") == false)
        let lost = try #require(
            try await dashboard().components(separatedBy: "id=\"lost-status\"").dropFirst().first?.prefix(400))
        #expect(lost.contains("一村") && lost.contains("最近一例阳性 2022-11-14 采样"), "under 需要处理: \(lost)")
        #expect(
            try county.command([
                "villages", "certify", "110105001001", "--by", "县李", "--revoke", "--reason", "新增阳性 1 例",
            ]).contains("已撤销"))
        today = try status(county, "2022-11-14")
        #expect(today["110105001001"]?["status"] as? String == "not_eligible")
        #expect((today["110105001001"]?["records"] as? [[String: Any]])?.last?["reason"] as? String == "新增阳性 1 例")
    }

    /// Runs a program; its stdout, or a thrown error on a non-zero exit.
    @discardableResult
    func run(_ program: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw RegistryError(nil, zh: "", en: "\(program) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
