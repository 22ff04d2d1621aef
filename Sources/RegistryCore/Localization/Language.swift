/// The language of what a person reads: Chinese for the clerk by default, English on request.
public enum Language: String, Sendable, CaseIterable, Codable {
    case zh, en
}

/// A text in both languages. Every user-facing message of the registry is one of these.
public struct Localized: Sendable, Hashable, CustomStringConvertible {
    /// The Chinese text.
    public let zh: String
    /// The English text.
    public let en: String

    /// A text from its two translations.
    public init(zh: String, en: String) {
        self.zh = zh
        self.en = en
    }

    /// The text in `language`.
    public func callAsFunction(_ language: Language) -> String { language == .zh ? zh : en }

    /// English, for logs and debuggers.
    public var description: String { en }
}
