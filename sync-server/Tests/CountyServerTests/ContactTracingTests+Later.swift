import Foundation
import RegistryCore
import RegistrySync
import Testing

extension ContactTracingTests {
    /// The other order: the positive and the link reach the county before the companion is registered anywhere. The
    /// push that registers him is the one that must raise the lead (the county looks for whoever named a person just
    /// registered); on PostgreSQL it asks the database first, and catches its replica up only when someone did.
    @Test(
        "a companion registered in another village after the positive was pushed gets a lead at that village's first sync"
    )
    func companionRegisteredLater() async throws {
        let county = try ServerHarness()
        try county.start()
        let tokenA = try county.command(["token", "issue", "--village", "110105001001"])
        let tokenB = try county.command(["token", "issue", "--village", "110105001002"])
        let a = try makeVillage(county, code: "110105001001")
        let b = try makeVillage(county, code: "110105001002")
        let today = a.clock.today
        func arrival(_ name: String, _ id: String, with companions: [String] = []) -> IntakeForm {
            Self.arrival(name, id, with: companions, today: today)
        }
        _ = try a.intake(arrival("张三", "420102199003071232", with: ["110101199001011237"]))
        _ = try a.recordTest("张三", sampled: today, result: .positive, resultOn: nil, lab: nil)
        #expect(try await SyncSession(registry: a, transport: county.transport(tokenA)).run().rejected == 0)
        // B has someone else first: a push of persons nobody named raises nothing.
        _ = try b.intake(arrival("孙七", "110101198001011232"))
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        #expect(try b.workList(on: today).leads.isEmpty)

        _ = try b.intake(arrival("王五", "110101199001011237"))
        _ = try await SyncSession(registry: b, transport: county.transport(tokenB)).run()
        let leads = try b.workList(on: today).leads
        #expect(leads.map(\.id_number) == ["110101199001011237"], "\(leads)")
        #expect(leads.first?.reason == "密接（待县核实）：一村报告 与 张* 同行", "\(leads.first?.reason ?? "")")
    }
}
