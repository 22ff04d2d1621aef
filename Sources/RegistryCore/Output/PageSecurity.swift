import Mustache

/// The response headers every HTML page of the project carries (the clerk's pages and the county's): no script,
/// no outside resource, no framing, no type sniffing. Kept here so that both servers send the same policy.
public enum PageSecurity {
    /// Inline styles only: the pages carry their CSS in a `<style>` element and charts and QR codes as inline SVG
    /// or data URIs.
    public static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// The headers with the given Referrer-Policy (`no-referrer` for the county; the clerk's pages need
    /// `same-origin`, see there).
    public static func headers(referrerPolicy: String) -> [(name: String, value: String)] {
        [
            ("Content-Security-Policy", contentSecurityPolicy), ("X-Frame-Options", "DENY"),
            ("X-Content-Type-Options", "nosniff"),
            ("Referrer-Policy", referrerPolicy),
        ]
    }
}

extension PageSecurity {
    /// The key a client address is counted under by the pages' and the form's limits: an IPv4 address itself (an
    /// IPv4-mapped IPv6 address as its IPv4), an IPv6 address by its /64, since one sender is handed 2^64 addresses.
    public static func clientKey(_ address: String) -> String {
        let text = address.lowercased()
        guard text.contains(":") else { return text }
        if let mapped = text.range(of: "::ffff:"), text.hasPrefix("::ffff:"), text[mapped.upperBound...].contains(".") {
            return String(text[mapped.upperBound...])
        }
        // Expand `::` to the missing zero groups, then keep the first four.
        let halves = text.components(separatedBy: "::")
        let head = halves[0].split(separator: ":", omittingEmptySubsequences: true).map(String.init)
        let tail =
            halves.count > 1 ? halves[1].split(separator: ":", omittingEmptySubsequences: true).map(String.init) : []
        let groups = head + Array(repeating: "0", count: max(0, 8 - head.count - tail.count)) + tail
        return groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":") + "::/64"
    }
}

/// Every page and document of the project is parsed through here: values are HTML-escaped, and characters that can
/// reorder or hide what a reader sees are removed, whatever a row holds (a value stored before the checks existed, or
/// by an older client): C0 and C1 controls but tab and line breaks, and the bidirectional embeddings, overrides,
/// isolates and marks (U+202E turned a returnee's declared address around on the printed notice).
public enum PageTemplate {
    /// The content type's name, registered once.
    static let contentType: String = {
        MustacheContentTypes.register(SafeHTML(), named: "SAFE_HTML")
        return "SAFE_HTML"
    }()

    /// A template from its source, rendering every `{{value}}` through `SafeHTML`.
    public static func parse(_ source: [UInt8]) throws -> MustacheTemplate {
        try MustacheTemplate(string: "{{% CONTENT_TYPE: \(contentType)}}" + String(decoding: source, as: UTF8.self))
    }

    struct SafeHTML: MustacheContentType {
        func escapeText(_ text: String) -> String {
            var out = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": out.append(contentsOf: "&amp;".unicodeScalars)
                case "<": out.append(contentsOf: "&lt;".unicodeScalars)
                case ">": out.append(contentsOf: "&gt;".unicodeScalars)
                case "\"": out.append(contentsOf: "&quot;".unicodeScalars)
                case "'": out.append(contentsOf: "&#39;".unicodeScalars)
                case _ where PageTemplate.hides(scalar): continue
                default: out.append(scalar)
                }
            }
            return String(out)
        }
    }

    /// Whether a character is one a page never shows: a control other than tab and line breaks, or a bidirectional
    /// control (`String.isBidiControl`, the same the typed values lose and the terminal output drops).
    static func hides(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        return scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || String.isBidiControl(scalar)
    }
}
