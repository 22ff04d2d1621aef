import RegistryCore
import Testing

@Suite struct ReadableTimeTests {
    @Test func storedTimesReadAsWritten() {
        #expect(ReadableTime.minute("2022-07-10T16:58:07+08:00") == "2022-07-10 16:58")
        #expect(ReadableTime.short("2026-11-29T20:58:02+08:00") == "11月29日 20:58")
        #expect(ReadableTime.short(Day("2022-07-05")!) == "7月5日")
    }

    @Test func anythingElseIsShownAsItIs() {
        // A value that is not a stored time is never dressed up as one (nor made to crash).
        for text in ["", "昨天", "2022-13-40T10:00:00+08:00", "2022-07-10", "2022-07-10X10:00"] {
            #expect(ReadableTime.minute(text) == text)
            #expect(ReadableTime.short(text) == text)
        }
    }
}
