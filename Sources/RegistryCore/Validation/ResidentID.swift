/// A mainland resident identity number (居民身份证号码, GB 11643-1999), validated.
///
/// 18 characters: a 6-digit area code, the birth date `YYYYMMDD`, a 3-digit sequence whose last digit is odd for
/// men, and an ISO 7064 MOD 11-2 check character (`0`–`9` or `X`). A 15-digit first-generation number (birth
/// year in two digits, no check character) is upgraded to 18.
public struct ResidentID: Hashable, Sendable {
    /// The 18-character number, `X` upper-cased.
    public let number: String
    /// The birth date written in the number.
    public let birthDate: Day
    /// The sex written in the number.
    public let sex: Sex
    /// Whether the first two digits name a known province; an unknown one is a warning, not an error.
    public let hasKnownProvince: Bool
    /// Whether the number was given in the 15-digit form and upgraded.
    public let wasUpgraded: Bool

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// Validates `text`; throws a refusal naming `id_number` and the reason.
    /// - Parameter today: a birth date after this day is refused.
    public init(_ text: String, today: Day? = nil) throws {
        let compact = text.asciiCompacted.uppercased()
        if compact.isEmpty { throw RegistryError.missing(.idNumber) }
        // Excel shows a long number in scientific notation and keeps 15 digits: the number is lost, not mistyped.
        // The E first: a regex literal is parsed each time it runs, too dear for every row of a large import. Looked
        // for as a byte: `contains("E")` on a String is Foundation's substring search, a tenth of a push's checking.
        if compact.utf8.contains(UInt8(ascii: "E")), compact.wholeMatch(of: /[0-9](\.[0-9]+)?E\+?[0-9]+/) != nil {
            throw RegistryError(
                .idNumber, zh: "“\(text)”是被 Excel 改成的科学计数法，号码已丢失末几位；请把该列设为“文本”格式后重新输入身份证号",
                en:
                    "\"\(text)\" is Excel's scientific notation and the last digits are lost; set the column to Text and type the id numbers again"
            )
        }
        var body: String
        switch compact.count {
        case 18:
            body = String(compact.prefix(17))
            guard body.isAllASCIIDigits, let last = compact.last, last.isNumber || last == "X" else {
                throw RegistryError(
                    .idNumber, zh: "前 17 位必须是数字，最后一位是数字或 X",
                    en: "the first 17 characters must be digits and the last a digit or X")
            }
        case 15:
            guard compact.isAllASCIIDigits else {
                throw RegistryError(
                    .idNumber, zh: "15 位旧身份证号必须全是数字",
                    en: "a 15-digit legacy number must be all digits")
            }
            body = String(compact.prefix(6)) + "19" + String(compact.dropFirst(6))
        default:
            throw RegistryError(
                .idNumber, zh: "应为 18 位（或 15 位旧号），实际 \(compact.count) 位",
                en: "must have 18 characters (or 15 for a legacy number), got \(compact.count)")
        }
        let digits = body.utf8.map { Int($0) - 48 }
        let birthText = String(body.dropFirst(6).prefix(8))
        guard
            let birth = Day(
                year: digits[6...9].reduce(0) { $0 * 10 + $1 },
                month: digits[10] * 10 + digits[11], day: digits[12] * 10 + digits[13]),
            birth.components.year >= 1900
        else {
            throw RegistryError(.idNumber, zh: "出生日期 \(birthText) 不存在", en: "birth date \(birthText) does not exist")
        }
        if let today, birth > today {
            throw RegistryError(.idNumber, zh: "出生日期 \(birth) 在今天之后", en: "birth date \(birth) is in the future")
        }
        let sum = zip(digits, ResidentID.weights).reduce(0) { $0 + $1.0 * $1.1 }
        let expected = ResidentID.checkCharacters[sum % 11]
        if compact.count == 18 {
            guard compact.last == expected else {
                throw RegistryError(
                    .idNumber, zh: "校验位不对（按前 17 位应为 \(expected)），请核对是否输错",
                    en: "check character is wrong (the first 17 digits give \(expected)); check for a typo")
            }
        }
        number = body + String(expected)
        birthDate = birth
        sex = digits[16] % 2 == 1 ? .male : .female
        hasKnownProvince = ResidentID.provinces.contains(String(body.prefix(2)))
        wasUpgraded = compact.count == 15
    }

    /// The province codes of GB/T 2260, from schema/provinces.csv.
    static let provinces: Set<String> = {
        let text = String(decoding: PackageResources.provinces_csv, as: UTF8.self)
        return Set(
            text.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) })
    }()
}

/// Sex, as a resident ID records it.
public enum Sex: String, Sendable, Codable, CaseIterable {
    case male, female

    /// 男 / 女, or male / female.
    public func label(_ language: Language) -> String {
        language == .zh ? (self == .male ? "男" : "女") : rawValue
    }
}
