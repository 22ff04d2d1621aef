import Foundation
import Testing

@testable import RegistryCore

/// The hand-written text forms on the write path (ids, days) read exactly as Foundation's would.
@Suite("Text forms of ids and days")
struct TextFormsTests {
    @Test("an id is the UUID's lower-case text; time-ordered ids sort by time; a stable id is the same every time")
    func ids() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let uuid = IDGenerator.makeV7(milliseconds: UInt64.random(in: 0..<(1 << 48)), random: random.next())
            #expect(IDGenerator.text(uuid) == uuid.uuidString.lowercased())
        }
        let early = IDGenerator.text(IDGenerator.makeV7(milliseconds: 1_667_600_000_000, random: .max))
        let late = IDGenerator.text(IDGenerator.makeV7(milliseconds: 1_667_600_000_001, random: 0))
        #expect(early < late && early.count == 36)
        #expect(IDGenerator.stable("110105001001|2022-11-05") == IDGenerator.stable("110105001001|2022-11-05"))
    }

    @Test("a day's text is YYYY-MM-DD and reads back as the same day")
    func days() throws {
        for text in ["2022-11-05", "0001-01-01", "1999-12-31", "2024-02-29", "9999-12-31"] {
            let day = try #require(Day(text))
            #expect(day.description == text)
        }
        let start = try #require(Day("2022-01-01"))
        for n in 0..<800 {
            let day = start.adding(days: n)
            #expect(Day(day.description) == day)
        }
    }
}
