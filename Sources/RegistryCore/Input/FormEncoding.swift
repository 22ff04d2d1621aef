import Foundation

/// The body of an HTML form post (`application/x-www-form-urlencoded`), as the clerk's pages and the county's
/// declaration page read it.
public enum FormEncoding {
    /// `a=1&b=%E5%BC%A0`: each name once (the first wins: a second copy cannot override a checked field), `+` as a
    /// space, a value that is not valid percent-encoding dropped. With `only`, other names are ignored.
    public static func fields(_ body: String, only: Set<String>? = nil) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = parts.first.flatMap(decode), only?.contains(name) ?? true, fields[name] == nil else {
                continue
            }
            fields[name] = parts.count > 1 ? decode(parts[1]) ?? "" : ""
        }
        return fields
    }

    private static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
