import Foundation

/// What one synced column may hold: its storage type, whether it may be null, and its format, length or range.
///
/// The same rules guard both ends of sync: the village's change recorder refuses a row that breaks them before it
/// is written (so nothing it logs can be refused later for its shape), and the county checks every pushed change
/// against them before applying it (a leaked token must not store a script, a number where text belongs, or a
/// report figure that overflows a sum). Declared per table in `SyncedRecord+Rules.swift`.
public struct ColumnRule: Sendable {
    /// The SQLite storage class a value must have. No coercion: `"1"` is not an integer, `1` is not text.
    public enum Storage: Sendable { case text, integer, real }

    let storage: Storage
    let nullable: Bool
    /// The longest a text value may be, in characters (free text) or bytes (JSON), when the rule bounds it.
    let limit: Int?
    /// The format check of a non-null value of the right storage: nil when it passes, else why not.
    let check: @Sendable (ColumnValue) -> Localized?

    init(
        _ storage: Storage, nullable: Bool = false, limit: Int? = nil,
        check: @escaping @Sendable (ColumnValue) -> Localized? = { _ in nil }
    ) {
        self.storage = storage
        self.nullable = nullable
        self.limit = limit
        self.check = check
    }

    /// Why a text `value` is longer than the rule allows, or nil: the cheap check the village's change recorder makes
    /// on every row it writes (its records are typed, so only their free text can be out of bounds).
    func lengthProblem(_ value: ColumnValue) -> Localized? {
        guard let limit, case .string(let s) = value, s.utf8.count > limit, s.unicodeScalars.count > limit else {
            return nil
        }
        return Localized(zh: "超过 \(limit) 个字", en: "is longer than \(limit) characters")
    }

    /// Why `value` does not fit this rule, or nil when it does.
    public func problem(_ value: ColumnValue) -> Localized? {
        switch value {
        case .null:
            return nullable ? nil : Localized(zh: "不能为空", en: "must not be null")
        case .string where storage == .text, .integer where storage == .integer, .real where storage == .real,
            .integer where storage == .real:
            return check(value)
        default:
            let expected =
                switch storage {
                case .text: ("文本", "text")
                case .integer: ("整数", "a whole number")
                case .real: ("数字", "a number")
                }
            return Localized(zh: "应为\(expected.0)", en: "must be \(expected.1)")
        }
    }

    /// This rule, also allowing null.
    var orNull: ColumnRule { ColumnRule(storage, nullable: true, limit: limit, check: check) }
}

// The building blocks the table declarations use.
extension ColumnRule {
    /// Text of at most `max` characters with no control characters (`multiline` allows line breaks and tabs);
    /// `empty` allows "".
    static func text(max: Int, empty: Bool = false, multiline: Bool = false) -> ColumnRule {
        ColumnRule(.text, limit: max) { value in
            let s = value.text
            if !empty && s.isEmpty { return Localized(zh: "不能为空", en: "must not be empty") }
            if s.utf8.count > max, s.unicodeScalars.count > max {
                return Localized(zh: "超过 \(max) 个字", en: "is longer than \(max) characters")
            }
            if s.hasControlCharacters(allowingLineBreaks: multiline) {
                return Localized(zh: "含有控制字符", en: "contains control characters")
            }
            return nil
        }
    }

    /// A row id: 1 to 64 letters, digits, `-`, `_` or `.` (the registry writes UUIDs).
    static let id = ColumnRule(.text) { value in
        ColumnRule.isIdentifier(value.text) ? nil : Localized(zh: "不是有效的记录编号", en: "is not a valid record id")
    }

    /// Whether `s` is a plain identifier (a row or site id).
    public static func isIdentifier(_ s: String) -> Bool {
        (1...64).contains(s.utf8.count)
            && s.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) || $0 == 0x2D
                    || $0 == 0x5F || $0 == 0x2E
            }
    }

    /// An administrative code of one of `lengths` digits.
    static func code(_ lengths: Set<Int>) -> ColumnRule {
        ColumnRule(.text) { value in
            let s = value.text
            guard s.isAllASCIIDigits, lengths.contains(s.utf8.count) else {
                let allowed = lengths.sorted().map(String.init).joined(separator: "/")
                return Localized(zh: "不是 \(allowed) 位数字的区划代码", en: "is not a \(allowed)-digit area code")
            }
            return nil
        }
    }

    /// A date in the stored form `YYYY-MM-DD`.
    static let day = ColumnRule(.text) { value in
        Day(canonical: value.text.utf8) == nil
            ? Localized(zh: "不是 YYYY-MM-DD 格式的日期", en: "is not a YYYY-MM-DD date") : nil
    }

    /// An instant as the registry stores it: `YYYY-MM-DDTHH:MM:SS+HH:MM` (or `Z`).
    static let timestamp = ColumnRule(.text) { value in
        ColumnRule.isTimestamp(value.text)
            ? nil
            : Localized(zh: "不是 YYYY-MM-DDTHH:MM:SS+08:00 格式的时间", en: "is not a YYYY-MM-DDTHH:MM:SS+08:00 time")
    }

    static func isTimestamp(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 25 || b.count == 20, Day(canonical: s.utf8.prefix(10)) != nil, b[10] == 0x54,
            twoDigits(b, 11, max: 23), b[13] == 0x3A, twoDigits(b, 14, max: 59), b[16] == 0x3A,
            twoDigits(b, 17, max: 59)
        else { return false }
        if b.count == 20 { return b[19] == 0x5A }
        return (b[19] == 0x2B || b[19] == 0x2D) && twoDigits(b, 20, max: 14) && b[22] == 0x3A
            && twoDigits(b, 23, max: 59)
    }

    /// A local time `YYYY-MM-DD HH:MM` (when a check was taken).
    static let localTime = ColumnRule(.text) { value in
        let b = Array(value.text.utf8)
        let ok =
            b.count == 16 && Day(canonical: value.text.utf8.prefix(10)) != nil && b[10] == 0x20
            && twoDigits(b, 11, max: 23) && b[13] == 0x3A && twoDigits(b, 14, max: 59)
        return ok ? nil : Localized(zh: "不是 YYYY-MM-DD HH:MM 格式的时间", en: "is not a YYYY-MM-DD HH:MM time")
    }

    private static func twoDigits(_ b: [UInt8], _ at: Int, max: Int) -> Bool {
        guard (0x30...0x39).contains(b[at]), (0x30...0x39).contains(b[at + 1]) else { return false }
        return Int(b[at] - 0x30) * 10 + Int(b[at + 1] - 0x30) <= max
    }

    /// One of a vocabulary's codes.
    static func choice<T: RawRepresentable<String> & CaseIterable>(_ type: T.Type) -> ColumnRule {
        ColumnRule(.text) { value in
            T(rawValue: value.text) == nil
                ? Localized(
                    zh: "不是可选值之一（\(T.allCases.map(\.rawValue).joined(separator: ", "))）",
                    en: "is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
                : nil
        }
    }

    /// 0 or 1.
    static let flag = ColumnRule(.integer) { value in
        value == 0 || value == 1 ? nil : Localized(zh: "应为 0 或 1", en: "must be 0 or 1")
    }

    /// A whole number in `range`.
    static func integer(_ range: ClosedRange<Int64>) -> ColumnRule {
        ColumnRule(.integer) { value in
            guard let n = value.integerValue, range.contains(n) else {
                return Localized(
                    zh: "应在 \(range.lowerBound)–\(range.upperBound) 之间",
                    en: "must be from \(range.lowerBound) to \(range.upperBound)")
            }
            return nil
        }
    }

    /// A finite number in `range` (a whole number is accepted too).
    static func real(_ range: ClosedRange<Double>) -> ColumnRule {
        ColumnRule(.real) { value in
            guard let d = value.doubleValue, d.isFinite, range.contains(d) else {
                return Localized(
                    zh: "应在 \(range.lowerBound)–\(range.upperBound) 之间",
                    en: "must be from \(range.lowerBound) to \(range.upperBound)")
            }
            return nil
        }
    }

    /// A mobile number in the stored form: 11 digits `1[3-9]…`.
    static let phone = ColumnRule(.text) { value in
        let s = value.text
        return (try? Validate.phone(s)) == s ? nil : Localized(zh: "不是 11 位手机号", en: "is not an 11-digit mobile number")
    }

    /// Text holding JSON that `decode` accepts, at most `max` bytes; `decode` returns why not, or nil.
    static func json(max: Int, _ decode: @escaping @Sendable (Data) -> Localized?) -> ColumnRule {
        ColumnRule(.text, limit: max) { value in
            let s = value.text
            if s.utf8.count > max { return Localized(zh: "超过 \(max) 字节", en: "is longer than \(max) bytes") }
            return decode(Data(s.utf8))
        }
    }
}

extension String {
    /// Whether the text holds a C0 or C1 control character, DEL (an ESC sequence can clear an operator's screen) or a
    /// bidirectional control (it disguises text on pages and printed notices);
    /// `allowingLineBreaks` lets `\n`, `\r` and `\t` through.
    func hasControlCharacters(allowingLineBreaks: Bool) -> Bool {
        unicodeScalars.contains { s in
            if allowingLineBreaks && (s == "\n" || s == "\r" || s == "\t") { return false }
            return s.value < 0x20 || (0x7F...0x9F).contains(s.value) || s.value == 0x2028 || s.value == 0x2029
                || String.isBidiControl(s)
        }
    }
}
