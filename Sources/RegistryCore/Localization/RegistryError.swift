/// Why the registry refused to do something: the field at fault (when there is one) and the reason, both in
/// the clerk's language. Nothing has been written when one of these is thrown.
public struct RegistryError: Error, Sendable, CustomStringConvertible {
    /// The field that is wrong, if the problem lies in one field.
    public let field: Field?
    /// Why, in both languages.
    public let reason: Localized
    /// How the command that met it ends (`ExitStatus`): a refused input unless said otherwise.
    public internal(set) var status: ExitStatus = .refused

    /// A refusal of `field` for `reason`.
    public init(_ field: Field?, _ reason: Localized) {
        self.field = field
        self.reason = reason
    }

    /// A refusal with the reason given in both languages.
    public init(_ field: Field?, zh: String, en: String) {
        self.init(field, Localized(zh: zh, en: en))
    }

    /// One line: the field and the reason.
    public func message(_ language: Language) -> String {
        guard let field else { return reason(language) }
        return language == .zh ? "\(field.label(.zh))：\(reason.zh)" : "\(field.label(.en)): \(reason.en)"
    }

    public var description: String { message(.en) }
}

extension RegistryError {
    public static func missing(_ field: Field) -> RegistryError {
        RegistryError(field, zh: "不能为空", en: "is required")
    }

    public static func badDate(_ field: Field, _ text: String) -> RegistryError {
        RegistryError(
            field, zh: "“\(text)”不是有效日期（格式 YYYY-MM-DD）",
            en: "\"\(text)\" is not a valid date (YYYY-MM-DD)")
    }

    /// `allowed` as the English reader writes them; `chinese` (same order) what a Chinese message lists instead.
    public static func notOneOf(_ field: Field, _ text: String, _ allowed: [String], chinese: [String]? = nil)
        -> RegistryError
    {
        RegistryError(
            field, zh: "“\(text)”无效，可选：\((chinese ?? allowed).joined(separator: "、"))",
            en: "\"\(text)\" is not one of \(allowed.joined(separator: ", "))")
    }
}
