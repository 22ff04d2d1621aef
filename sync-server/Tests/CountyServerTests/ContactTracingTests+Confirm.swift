import Foundation
import RegistryCore
import RegistrySync
import Testing

extension ContactTracingTests {
    @Test(
        "an officer confirms a lead raised on one village's word from the dashboard: the found person goes under the plan; a post from another site, without a county token, or twice is refused"
    )
    func officerConfirms() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let officer = try county.command(["token", "issue", "--county"])
        let a = try makeVillage(county, code: "110105001001")
        let b = try makeVillage(county, code: "110105001002")
        let today = a.clock.today
        func arrival(_ name: String, _ id: String, with companions: [String] = []) -> IntakeForm {
            Self.arrival(name, id, with: companions, today: today)
        }
        // 张三 (A) travelled with 王五 (registered in B); A records 张三 positive: B's lead is A's word only.
        _ = try a.intake(arrival("张三", "420102199003071232", with: ["110101199001011237"]))
        _ = try b.intake(arrival("王五", "110101199001011237"))
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        _ = try a.recordTest("张三", sampled: today, result: .positive, resultOn: nil, lab: nil)
        _ = try await SyncSession(registry: a, transport: county.transport(tokenA)).run()
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        let lead = try #require(try b.workList(on: today).leads.first)
        #expect(lead.reason?.hasPrefix(ContactRules.unconfirmedPrefix) == true)
        // B found him before anyone confirmed: he is to assess, under no measure.
        _ = try b.closeLead(lead.lead_id, outcome: .found, on: today)
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        #expect(try b.file("110101199001011237").current?.arrival.category != .closeContact)

        // The dashboard lists it as awaiting the county, with a button.
        let basic = "Authorization: Basic " + Data("王科长:\(officer)".utf8).base64EncodedString()
        let page = try rawRequest(port: county.port, path: "/dashboard", headers: [basic])
        let action = "/dashboard/leads/\(lead.lead_id)/confirm"
        #expect(page.contains("HTTP/1.1 200"))
        let full = try await county.transport(officer).send("GET", "/dashboard", query: [:], body: nil)
        let html = String(decoding: full.body, as: UTF8.self)
        #expect(
            html.contains("action=\"\(action)\"") && html.contains("待县核实"),
            "\(html.components(separatedBy: "<form method=\"post\"").dropFirst().map { $0.prefix(120) })")

        // Refused: a post another site's page made the browser send, one with no Origin, one without a county token
        // (B's village token), a lead id that does not exist.
        let fromElsewhere = try rawRequest(
            port: county.port, method: "POST", path: action, headers: [basic, "Origin: http://evil.example"])
        #expect(fromElsewhere.hasPrefix("HTTP/1.1 403"), "\(fromElsewhere)")
        #expect(
            try rawRequest(port: county.port, method: "POST", path: action, headers: [basic]).hasPrefix("HTTP/1.1 403"))
        let villageToken = "Authorization: Basic " + Data("x:\(tokenB)".utf8).base64EncodedString()
        #expect(
            try rawRequest(
                port: county.port, method: "POST", path: action, headers: [villageToken, "Origin: http://127.0.0.1"]
            ).hasPrefix("HTTP/1.1 401"))
        #expect(
            try rawRequest(
                port: county.port, method: "POST", path: "/dashboard/leads/nothing/confirm",
                headers: [basic, "Origin: http://127.0.0.1"]
            ).hasPrefix("HTTP/1.1 409"))
        #expect(
            try count(
                county.db, "SELECT count(*) FROM lead WHERE village = '110105001002' AND last_contact_on IS NOT NULL")
                == 0)

        // The officer's form: 303 back to the dashboard; B's next sync opens the lead again, with day 0 and who
        // confirmed it, and closing it as found now puts 王五 under the close-contact plan.
        let confirmed = try rawRequest(
            port: county.port, method: "POST", path: action, headers: [basic, "Origin: http://127.0.0.1"])
        #expect(
            confirmed.hasPrefix("HTTP/1.1 303") && confirmed.lowercased().contains("location: /dashboard"),
            "\(confirmed)")
        let again = try rawRequest(
            port: county.port, method: "POST", path: action, headers: [basic, "Origin: http://127.0.0.1"])
        #expect(again.hasPrefix("HTTP/1.1 409"), "confirmed once only")
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        let reopened = try #require(try b.workList(on: today).leads.first)
        #expect(reopened.reason == "密接：与 张*（一村）同行（县核实：王科长）", "\(reopened.reason ?? "")")
        _ = try b.closeLead(reopened.lead_id, outcome: .found, on: today)
        let wang = try #require(try b.file("110101199001011237").current)
        #expect(wang.arrival.category == .closeContact && wang.arrival.dayZero == today.adding(days: -2))

        // The CLI says why in one line when there is nothing to confirm.
        #expect(
            try county.refusal(["leads", "confirm", lead.lead_id, "--by", "李股长"]).contains(
                "not a contact lead awaiting the county's confirmation"))
    }
}
