import RegistryCore
import Testing

@Suite struct ReadableTimeTests {
    @Test func storedTimesReadAsWritten() {
        #expect(ReadableTime.minute("2022-07-10T16:58:07+08:00") == "2022-07-10 16:58")
        #expect(ReadableTime.short("2026-11-29T20:58:02+08:00") == "11月29日 20:58")
        #expect(ReadableTime.short(Day("2022-07-05")!) == "7月5日")
    }

    @Test func latenessInWords() {
        #expect(ReadableTime.lateness(minutes: 0) == "迟到 1 分钟")
        #expect(ReadableTime.lateness(minutes: 35) == "迟到 35 分钟")
        #expect(ReadableTime.lateness(minutes: 150) == "迟到 2 小时")
        #expect(ReadableTime.lateness(minutes: 27 * 60) == "迟到 1 天 3 小时")
        #expect(ReadableTime.lateness(minutes: 48 * 60) == "迟到 2 天")
    }

    @Test func anythingElseIsShownAsItIs() {
        // A value that is not a stored time is never dressed up as one (nor made to crash).
        for text in ["", "昨天", "2022-13-40T10:00:00+08:00", "2022-07-10", "2022-07-10X10:00"] {
            #expect(ReadableTime.minute(text) == text)
            #expect(ReadableTime.short(text) == text)
        }
    }
}
