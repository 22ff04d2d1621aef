import Foundation
import RegistryCore
import Testing

@Suite("The roster over time")
struct RosterJoinTests {
    @Test("a village is not missing on days before it joined the roster, unless it reported then")
    func notMissingBeforeJoining() throws {
        let county = try ServerHarness()  // the roster is imported today
        let today = RegistryClock(now: { Date() }).today
        func summary(_ day: Day) throws -> [String: Any] {
            let out = try county.command(["merge", "--date", "\(day)", "--format", "json"])
            return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        }
        let before = try summary(today.adding(days: -3))
        #expect(before["villages_expected"] as? Int == 0)
        #expect((before["missing"] as? [String])?.isEmpty == true)
        let now = try summary(today)
        #expect(now["villages_expected"] as? Int == 2)
        #expect((now["missing"] as? [String])?.count == 2)
    }
}
