import Foundation
import RegistryCore
import RegistrySync
import Testing

@testable import CountyServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Self-declaration (返乡报备, issue 16) through a real `sync-server` process: the returnee's form, its abuse guards,
/// the lead it becomes, the village's intake from it, and the lead closed back at the county.
@Suite("Self-declaration", .serialized)
struct DeclarationTests {
    /// Posts a URL-encoded form; the status, the body and the headers.
    func post(_ url: URL, _ fields: [(String, String)], from address: String? = nil) async throws -> (
        Int, String, [AnyHashable: Any]
    ) {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        request.httpBody = Data(
            fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(
                separator: "&"
            ).utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        return (http.statusCode, String(decoding: data, as: UTF8.self), http.allHeaderFields)
    }

    func declaration(_ today: Day, id: String = "32010219751201003X") -> [(String, String)] {
        [
            ("name", "李四"), ("id_number", id), ("phone", "13700137000"), ("from", "上海市浦东新区"),
            ("departed", "\(today.adding(days: -2))"), ("arrived", "\(today.adding(days: -1))"), ("address", "五组2号"),
            ("transport", "火车"),
        ]
    }

    @Test(
        "whoever declares an id number first does not own the lead: a later declaration with other details is shown beside it for the clerk"
    )
    func secondDeclarationFlagged() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        let today = village.clock.today
        let form = county.url.appendingPathComponent("declare/110105001001")
        // Someone who knows 李四's id number declares first, with their own phone and address.
        var impostor = declaration(today)
        impostor[2].1 = "13900139000"
        impostor[6].1 = "八组9号"
        _ = try await post(form, impostor)
        let (ok, page, _) = try await post(form, declaration(today))
        #expect(ok == 200 && page.contains("申报已收到"), "the sender is told the same")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        let list = try village.workList(on: today)
        let lead = try #require(list.leads.first)
        #expect(list.leads.count == 1 && lead.phone == "13900139000")
        #expect(
            lead.second_declaration?.contains("手机 13700137000，住址 五组2号") == true, "\(lead.second_declaration ?? "")")
        #expect(list.text(.zh).contains("⚠ 同一身份证号另有申报"))
    }

    @Test("a village takes at most 300 declarations a day through the form; the 301st is asked to call the village")
    func villageCap() async throws {
        let county = try ServerHarness()
        let store = try await openStore(county.db, clock: RegistryClock(now: { Date() }))
        let today = RegistryClock(now: { Date() }).today
        let declaredAt = RegistryClock(now: { Date() }).isoText(Date())
        var outcomes: [CountyDatabase.DeclarationOutcome] = []
        for n in 0...CountyDatabase.maxDeclarationsPerVillagePerDay {
            var fields = Dictionary(uniqueKeysWithValues: declaration(today, id: residentID(n)))
            fields["name"] = "人员\(n)"
            let lead = try Declaration.lead(
                Declaration.form(fields), village: "110105001001", today: today, declaredAt: declaredAt)
            outcomes.append(try await store.writing { try $0.declare(lead) })
        }
        await store.close()
        #expect(outcomes.dropLast().allSatisfy { $0 == .recorded } && outcomes.last == .villageFull)
        #expect(try count(county.db, "SELECT count(*) FROM lead") == CountyDatabase.maxDeclarationsPerVillagePerDay)
    }

    @Test("bidirectional overrides a returnee types are not kept: the village reads the name as it is stored")
    func bidiStripped() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        let today = village.clock.today
        var fields = declaration(today)
        fields[0].1 = "李\u{202E}四"
        fields[6].1 = "五组\u{2066}2号\u{2069}"
        let (ok, _, _) = try await post(county.url.appendingPathComponent("declare/110105001001"), fields)
        #expect(ok == 200)
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        let lead = try #require(try village.workList(on: today).leads.first)
        #expect(lead.name == "李四" && lead.address == "五组2号", "\(lead.name) \(lead.address ?? "")")
    }

    @Test(
        "a declaration becomes a self_report lead; the village sees it after a sync, registers from it, and the county sees it found"
    )
    func declarationToIntake() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        let today = village.clock.today
        let form = county.url.appendingPathComponent("declare/110105001001")

        // A wrong check digit: 422, the message beside the field, nothing recorded.
        let (refused, page, _) = try await post(form, declaration(today, id: "320102197512010031"))
        #expect(refused == 422)
        #expect(page.contains("id=\"id_number-error\""))
        // Every problem at once: a wrong digit and a short phone come back together, with a summary on top.
        let twoWrong = declaration(today, id: "320102197512010031").map { $0.0 == "phone" ? ("phone", "1370013") : $0 }
        let (bothRefused, both, _) = try await post(form, twoWrong)
        #expect(bothRefused == 422 && both.contains("id=\"id_number-error\"") && both.contains("id=\"phone-error\""))
        #expect(both.contains("有 2 处需要修改"), "\(both)")
        let (ok, done, _) = try await post(form, declaration(today))
        #expect(
            ok == 200 && done.contains("申报已收到") && !done.contains("李四"),
            "nothing from the form or the database is echoed")
        // Pressing the button twice sends nothing new.
        _ = try await post(form, declaration(today))

        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        let list = try village.workList(on: today)
        let declared = try #require(list.leads.first { $0.source == "self_report" })
        #expect(list.leads.count == 1 && declared.name == "李四" && declared.arrived_on == "\(today.adding(days: -1))")
        #expect(declared.registered_person_id == nil)
        #expect(list.text(.zh).contains("待核实的自主申报（1）"))

        // The clerk checks by phone and registers from the declaration: the declared fields fill the form.
        let lead = try village.openLead(declared.lead_id)
        let outcome = try village.intake(IntakeForm(lead: lead), lead: lead.id)
        #expect(outcome.person.idNumber == "32010219751201003X" && outcome.person.address == "五组2号")
        #expect(outcome.arrival.source == .selfReport && outcome.arrival.leadId == lead.id)
        #expect(try village.workList(on: today).leads.isEmpty)
        #expect(throws: RegistryError.self) { try village.intake(IntakeForm(lead: lead), lead: lead.id) }
        func openLeads() throws -> [String] {
            let json =
                try JSONSerialization.jsonObject(with: Data(try county.command(["merge", "--format", "json"]).utf8))
                as? [String: Any]
            return (json?["open_leads"] as? [[String: Any]] ?? []).compactMap { $0["lead_id"] as? String }
        }
        #expect(try openLeads() == [lead.id], "open at the county until the village syncs")
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        #expect(try openLeads().isEmpty, "the lead is no longer open at the county")
        #expect(try count(county.db, "SELECT count(*) FROM lead WHERE id = '\(lead.id)' AND outcome = 'found'") == 1)
    }

    @Test(
        "a declaration of someone already registered is marked for the clerk; an unknown village answers alike and records nothing"
    )
    func markedAndUnknown() async throws {
        let county = try ServerHarness()
        try county.start()
        let token = try county.command(["token", "issue", "--village", "110105001001"])
        let village = try makeVillage(county, code: "110105001001")
        let today = village.clock.today
        var form = Declaration.form(Dictionary(uniqueKeysWithValues: declaration(today)))
        form.phone = "13700137000"
        _ = try village.intake(form)
        let (known, knownPage, _) = try await post(
            county.url.appendingPathComponent("declare/110105001001"), declaration(today))
        let (unknown, unknownPage, _) = try await post(
            county.url.appendingPathComponent("declare/110105009999"), declaration(today))
        #expect(
            known == unknown
                && knownPage.replacingOccurrences(of: "110105001001", with: "X")
                    == unknownPage.replacingOccurrences(of: "110105009999", with: "X"),
            "the sender cannot tell a village on the roster from one that is not")
        // The place is named from the public gazetteer, not only as digits (issue 37, item 12).
        #expect(knownPage.contains("北京市朝阳区"), "\(knownPage)")
        var get = URLRequest(url: county.url.appendingPathComponent("declare/12345"))
        get.httpMethod = "GET"
        let (_, malformed) = try await URLSession.shared.data(for: get)
        #expect((malformed as! HTTPURLResponse).statusCode == 404)
        _ = try await SyncSession(registry: village, transport: county.transport(token)).run()
        let leads = try village.workList(on: today).leads
        #expect(leads.count == 1 && leads[0].registered_person_id != nil, "already registered: marked for the clerk")
        #expect(county.log.contains("outcome=unknownVillage"))
    }

    @Test("per-address rate limit: 429 with Retry-After; a body over the limit is refused")
    func abuse() async throws {
        let county = try ServerHarness()
        try county.start()
        let url = county.url.appendingPathComponent("declare/110105001001")
        let today = RegistryClock(now: { Date() }).today
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<32 {
            let (status, _, headers) = try await post(url, declaration(today, id: "320102197512010031"))
            statuses.append(status)
            if status == 429 { retryAfter = headers["Retry-After"] as? String }
        }
        #expect(statuses.prefix(30).allSatisfy { $0 == 422 } && statuses.suffix(2).allSatisfy { $0 == 429 })
        #expect(Int(retryAfter ?? "") ?? 0 > 0)
        let server2 = try ServerHarness()
        try server2.start()
        let (big, _, _) = try await post(
            server2.url.appendingPathComponent("declare/110105001001"),
            [("name", String(repeating: "张", count: 20_000))])
        #expect(big == 413)
    }
}
