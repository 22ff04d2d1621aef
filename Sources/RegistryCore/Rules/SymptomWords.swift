import Foundation

/// What a clerk wrote under 症状, read into the form's codes (what the figures and the county count) while the words
/// themselves are kept: 咳嗽 stays 咳嗽, 头疼 is a headache, and a word no list knows (头晕) is 其他 rather than a
/// refusal, because a symptom seen at the door must be recorded, not argued with.
public struct SymptomWords: Sendable {
    /// Each word as written, with the symptom it was read as.
    public var words: [(word: String, symptom: Symptom)]

    /// The symptoms, each once, in the order written.
    public var codes: [Symptom] {
        var seen = Set<Symptom>()
        return words.map(\.symptom).filter { seen.insert($0).inserted }
    }

    /// The words as the clerk wrote them, joined by 、; nil when nothing was written.
    public var written: String? { words.isEmpty ? nil : words.map(\.word).joined(separator: "、") }

    /// Words between these are separate symptoms: a comma of either width, 、, a semicolon, a space.
    static let separators: Set<Character> = [",", "，", "、", ";", "；", "/", " ", "\u{3000}", "\n", "\t"]
    /// What a clerk writes for "none".
    static let none: Set<String> = ["无", "没有", "无症状", "正常", "none", "no"]
    static let maxWord = 20, maxWritten = 200

    /// Reads `inputs` (one or several, each possibly a list such as `发热,咳嗽`).
    /// - Throws: `RegistryError` naming 症状 for a word that cannot be a symptom (a number, an over-long text).
    public init(reading inputs: [String]) throws {
        var words: [(String, Symptom)] = []
        for input in inputs {
            for piece in input.split(whereSeparator: { Self.separators.contains($0) }) {
                let word = String(piece).trimmed
                if word.isEmpty || Self.none.contains(word.lowercased()) { continue }
                guard word.count <= Self.maxWord else {
                    throw RegistryError(
                        .symptom, zh: "“\(word.prefix(20))…”太长，每个症状不超过 \(Self.maxWord) 个字，多个症状用逗号隔开",
                        en: "\"\(word.prefix(20))…\" is too long: at most \(Self.maxWord) characters per symptom")
                }
                guard word.unicodeScalars.contains(where: { CharacterSet.letters.contains($0) }) else {
                    throw RegistryError(
                        .symptom, zh: "“\(word)”不是症状；体温请填在体温一栏",
                        en: "\"\(word)\" is not a symptom; the temperature has its own field")
                }
                words.append((word, Self.symptom(word)))
            }
        }
        guard words.map(\.0).joined(separator: "、").count <= Self.maxWritten else {
            throw RegistryError(
                .symptom, zh: "症状合计不超过 \(Self.maxWritten) 个字", en: "at most \(Self.maxWritten) characters in all")
        }
        self.words = words
    }

    /// The symptom a word names: a code, a label or a common word for it; otherwise 其他.
    static func symptom(_ word: String) -> Symptom {
        let lower = word.lowercased()
        return Symptom.allCases.first { $0.rawValue == lower || $0.aliases.contains(word) } ?? .other
    }

    /// How a stored check's symptoms read: the clerk's words when kept, else the labels of its codes (checks
    /// recorded before the words were kept).
    public static func display(codes: String, written: String?, _ language: Language = .zh) -> String {
        if let written, !written.isEmpty { return written }
        return codes.split(separator: ",").compactMap { Symptom(rawValue: String($0))?.label(language) }
            .joined(separator: language == .zh ? "、" : ", ")
    }

    /// The words with what each was read as, for the clerk to see at once: `头疼（头痛）、头晕（其他）`.
    public func echo(_ language: Language) -> String {
        words.map { word, symptom in
            let label = symptom.label(language)
            return word == label || word.lowercased() == symptom.rawValue
                ? label : "\(word)（\(label)）"
        }.joined(separator: language == .zh ? "、" : ", ")
    }
}
