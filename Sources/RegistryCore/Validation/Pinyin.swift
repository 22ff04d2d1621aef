import Foundation

/// Finding a name by its pinyin, as a clerk types on a keyboard without a Chinese input method: `zw` or `zhangwei`
/// finds 张伟. Foundation transliterates Han to Latin (ICU, on Linux too); tones are dropped.
public enum Pinyin {
    /// The name's syllables, lowercase without tones: 张伟 → ["zhang", "wei"]; a Latin name stays as its words.
    public static func syllables(_ name: String) -> [String] {
        let latin =
            name.applyingTransform(.toLatin, reverse: false)?.applyingTransform(.stripDiacritics, reverse: false)
            ?? name
        return latin.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
    }

    /// Whether `query` (letters only) is the name's initials or part of its full pinyin: zw, zhangwei, zhangw, wei.
    public static func matches(_ name: String, _ query: String) -> Bool {
        let q = query.lowercased().filter(\.isLetter)
        guard !q.isEmpty else { return false }
        let parts = syllables(name)
        return parts.compactMap(\.first).map(String.init).joined().hasPrefix(q) || parts.joined().contains(q)
    }

    /// Whether a search looks like pinyin: ASCII letters (and spaces), at least two.
    public static func isQuery(_ text: String) -> Bool {
        let letters = text.filter { $0 != " " }
        return letters.count >= 2 && letters.allSatisfy { $0.isASCII && $0.isLetter }
    }
}
