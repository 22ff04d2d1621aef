/// A calendar day in the village's time zone, stored and printed as `YYYY-MM-DD`.
///
/// Day arithmetic is done on a day count (days since 1970-01-01 in the proleptic Gregorian calendar) so that
/// planning 100k arrivals never goes through `Calendar`, which is slow on Linux.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let ordinal: Int

    /// A day from its count of days since 1970-01-01.
    public init(ordinal: Int) { self.ordinal = ordinal }

    /// Parses exactly `YYYY-MM-DD` from its UTF-8 bytes; nil for anything else.
    init?<Bytes: Collection>(canonical bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == 10 else { return nil }
        var y = 0
        var m = 0
        var d = 0
        for (i, byte) in bytes.enumerated() {
            if i == 4 || i == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard byte >= 48 && byte <= 57 else { return nil }
            let digit = Int(byte - 48)
            if i < 4 { y = y * 10 + digit } else if i < 7 { m = m * 10 + digit } else { d = d * 10 + digit }
        }
        self.init(year: y, month: m, day: d)
    }

    /// A day from its year, month and day, or nil when the date does not exist (30 February, month 13).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Day.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        ordinal = Day.daysFromCivil(year, month, day)
    }

    /// Parses `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYYMMDD` and `YYYY年M月D日`, as Excel and paper forms write them).
    public init?(_ text: String) {
        // The stored form, read by the hundred thousand from the database: straight from the bytes.
        if let day = Day(canonical: text.utf8) {
            self = day
            return
        }
        var t = text.trimmingCharacters(in: .whitespaces)
        // 2026年11月20日, as Chinese forms and Excel's Chinese date format write it.
        if t.contains("年") {
            t = t.replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "月", with: "-")
            if t.hasSuffix("日") || t.hasSuffix("号") { t.removeLast() }
        }
        var parts: [Int] = []
        if t.count == 8, t.allSatisfy({ $0.isASCII && $0.isNumber }) {
            let s = String(t)
            guard let y = Int(s.prefix(4)), let m = Int(s.dropFirst(4).prefix(2)), let d = Int(s.suffix(2))
            else { return nil }
            parts = [y, m, d]
        } else {
            let pieces = t.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
            guard pieces.count == 3, pieces[0].count == 4, (1...2).contains(pieces[1].count),
                (1...2).contains(pieces[2].count)
            else { return nil }
            for piece in pieces {
                guard piece.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(piece) else { return nil }
                parts.append(n)
            }
        }
        self.init(year: parts[0], month: parts[1], day: parts[2])
    }

    /// The day's year, month and day.
    public var components: (year: Int, month: Int, day: Int) { Day.civilFromDays(ordinal) }

    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        guard (0...9999).contains(y) else {
            return String(y).leftPadded(4) + "-" + String(m).leftPadded(2) + "-" + String(d).leftPadded(2)
        }
        // Written digit by digit: every stored date passes through here (three strings and two joins per call
        // were 1.2 % of an import).
        return String(unsafeUninitializedCapacity: 10) { out in
            func digits(_ value: Int, _ count: Int, at start: Int) {
                var value = value
                for i in (start..<(start + count)).reversed() {
                    out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            digits(y, 4, at: 0)
            out[4] = UInt8(ascii: "-")
            digits(m, 2, at: 5)
            out[7] = UInt8(ascii: "-")
            digits(d, 2, at: 8)
            return 10
        }
    }

    /// The day `n` days later (earlier when `n` is negative).
    public func adding(days n: Int) -> Day { Day(ordinal: ordinal + n) }

    /// Days from `other` to this day.
    public func days(since other: Day) -> Int { ordinal - other.ordinal }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    /// Whether `year` has a 29 February.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for every Gregorian date.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension Day: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "not a YYYY-MM-DD date: \(text)"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    func leftPadded(_ width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
