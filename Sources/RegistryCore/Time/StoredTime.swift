import Foundation

/// Instants as the registry stores and sends them (ISO 8601: `2022-07-10T16:58:00+08:00`, or `…Z`).
///
/// Parsed and written with Foundation's `Date.ISO8601FormatStyle` rather than `ISO8601DateFormatter`: on Linux the
/// formatter goes through CoreFoundation's ICU-backed date formatter at about 110 µs a parse, the format style about
/// 2 µs, and the county's merge run reads a few thousand of these per page (measured in docs/PERFORMANCE.md).
/// Both accept and reject the same stored forms; stored values are checked first by `ColumnRule.timestamp`.
public enum StoredTime {
    private static let style = Date.ISO8601FormatStyle()

    /// The instant `text` names, nil when it is not an ISO 8601 date and time with a zone.
    public static func date(_ text: String) -> Date? {
        try? style.parse(text)
    }

    /// `date` in UTC (`2022-07-10T08:58:00Z`), the form the server answers with.
    public static func utcText(_ date: Date) -> String {
        style.format(date)
    }
}
