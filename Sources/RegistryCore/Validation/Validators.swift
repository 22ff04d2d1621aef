/// The small validators every entry point shares: phones, area codes, dates, names, choices.
public enum Validate {
    /// A mainland mobile number: 11 digits `1[3-9]xxxxxxxxx`, optionally written with +86 / 0086 and with spaces
    /// or dashes. Returns the 11 digits.
    public static func phone(_ text: String) throws -> String {
        var digits = text.asciiCompacted
        digits.removeAll { $0 == "-" }
        for prefix in ["+86", "0086"] where digits.hasPrefix(prefix) { digits.removeFirst(prefix.count) }
        if digits.count == 13, digits.hasPrefix("86") { digits.removeFirst(2) }
        guard digits.count == 11, digits.isAllASCIIDigits else {
            throw RegistryError(.phone, zh: "“\(text)”不是 11 位手机号", en: "\"\(text)\" is not an 11-digit mobile number")
        }
        let second = digits.utf8.dropFirst().first!
        guard digits.hasPrefix("1"), (0x33...0x39).contains(second) else {
            throw RegistryError(
                .phone, zh: "“\(text)”不是手机号（应以 13–19 开头）",
                en: "\"\(text)\" is not a mobile number (must start with 13 to 19)")
        }
        return digits
    }

    /// A temperature as a clerk types it: `36.8`, full-width `３６．８` from a Chinese input method, with a unit
    /// (`36.8℃`, `36.8度`, `36.8°C`). Only the number is read; its range is checked where it is recorded.
    public static func temperature(_ text: String) throws -> Double {
        var t = text.asciiCompacted.replacingOccurrences(of: "。", with: ".")
        for unit in ["℃", "°C", "°c", "°", "度", "C", "c"] where t.hasSuffix(unit) { t.removeLast(unit.count) }
        guard let value = Double(t), value.isFinite else {
            throw RegistryError(
                .temperature, zh: "“\(text)”不是体温读数（如 36.8）", en: "\"\(text)\" is not a temperature reading (e.g. 36.8)")
        }
        return value
    }

    /// An administrative code of 6 (county), 9 (township) or 12 (village) digits.
    public static func areaCode(_ text: String, field: Field = .code, lengths: Set<Int> = [6, 9, 12]) throws -> String {
        let code = text.asciiCompacted
        if code.isEmpty { throw RegistryError.missing(field) }
        guard code.isAllASCIIDigits, lengths.contains(code.count) else {
            let allowed = lengths.sorted().map(String.init).joined(separator: "/")
            throw RegistryError(
                field, zh: "“\(text)”不是 \(allowed) 位数字的区划代码",
                en: "\"\(text)\" is not a \(allowed)-digit area code")
        }
        return code
    }

    /// A date `YYYY-MM-DD` (also `YYYY/MM/DD`, `YYYYMMDD`).
    public static func day(_ text: String, field: Field) throws -> Day {
        let t = text.asciiCompacted
        if t.isEmpty { throw RegistryError.missing(field) }
        guard let day = Day(t) else { throw RegistryError.badDate(field, text) }
        return day
    }

    /// An optional date: empty text is nil.
    public static func optionalDay(_ text: String?, field: Field) throws -> Day? {
        guard let text, !text.trimmed.isEmpty else { return nil }
        return try day(text, field: field)
    }

    /// A non-empty text, trimmed.
    public static func required(_ text: String?, field: Field) throws -> String {
        let t = (text ?? "").trimmed
        if t.isEmpty { throw RegistryError.missing(field) }
        return t
    }

    /// A choice from an enumeration, by its code or any of its labels.
    public static func choice<T: Choice>(_ text: String, field: Field, as type: T.Type = T.self) throws -> T {
        let t = text.trimmed
        if let value = T.allCases.first(where: { $0.rawValue == t || $0.aliases.contains(t) }) { return value }
        throw RegistryError.notOneOf(field, text, T.allCases.map(\.rawValue), chinese: T.allCases.map(\.chinese))
    }
}

/// A closed set of values a clerk can give by code (`high`) or by Chinese label (`高`).
public protocol Choice: RawRepresentable<String>, CaseIterable, Sendable, Codable, Hashable {
    /// The Chinese label, what a clerk reads.
    var chinese: String { get }
    /// Other accepted spellings (Chinese labels, short forms).
    var aliases: [String] { get }
}

extension Choice {
    public var aliases: [String] { [chinese] }

    /// The label in `language`: Chinese, or the code in English.
    public func label(_ language: Language) -> String { language == .zh ? chinese : rawValue }
}
