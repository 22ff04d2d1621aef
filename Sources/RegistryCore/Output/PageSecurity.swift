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
