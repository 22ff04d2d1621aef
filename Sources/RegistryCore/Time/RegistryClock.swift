import Foundation

/// "Now" and the village's time zone, injected so that nothing below the entry points reads the system clock.
public struct RegistryClock: Sendable {
    /// The current instant.
    public var now: @Sendable () -> Date
    /// The village's time zone (Asia/Shanghai unless the registry says otherwise).
    public var timeZone: TimeZone

    /// A clock from a source of "now" and a time zone.
    public init(timeZone: TimeZone = .shanghai, now: @escaping @Sendable () -> Date) {
        self.now = now
        self.timeZone = timeZone
    }

    /// A clock stopped at one instant, for tests and for entering yesterday's paper forms.
    public static func fixed(_ date: Date, timeZone: TimeZone = .shanghai) -> RegistryClock {
        RegistryClock(timeZone: timeZone, now: { date })
    }

    /// Today in the village.
    public var today: Day { day(of: now()) }

    /// The village day an instant falls on.
    public func day(of date: Date) -> Day {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        return Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down)))
    }

    /// Wall-clock milliseconds since 1970, for the hybrid logical clock.
    public var milliseconds: Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded(.down)) }

    /// The instant of a local day and time (`hour:minute`) in the village's time zone.
    public func instant(_ day: Day, hour: Int, minute: Int) -> Date {
        let local = Double(day.ordinal * 86_400 + hour * 3600 + minute * 60)
        // The offset of the instant itself, found by one correction step (exact outside DST changes, which
        // China has not had since 1991).
        let guess = Date(timeIntervalSince1970: local - Double(timeZone.secondsFromGMT()))
        return Date(timeIntervalSince1970: local - Double(timeZone.secondsFromGMT(for: guess)))
    }

    /// `YYYY-MM-DD HH:MM` in the village's time zone.
    public func localText(_ date: Date) -> String {
        let (day, inDay, _) = local(date)
        return "\(day) " + String(inDay / 3600).leftPadded(2) + ":" + String(inDay % 3600 / 60).leftPadded(2)
    }

    /// ISO 8601 with the village's offset, e.g. `2022-11-20T16:59:00+08:00`: what a report's submission time
    /// is stored as, so that both the instant and the clerk's local time can be read back. Built from the parts
    /// (it runs once per imported arrival; `replacingOccurrences` on the local text showed in the import profile).
    public func isoText(_ date: Date) -> String {
        let (day, inDay, offset) = local(date)
        let sign = offset >= 0 ? "+" : "-"
        return "\(day)T" + String(inDay / 3600).leftPadded(2) + ":" + String(inDay % 3600 / 60).leftPadded(2) + ":"
            + String(inDay % 60).leftPadded(2) + sign + String(abs(offset) / 3600).leftPadded(2) + ":"
            + String(abs(offset) % 3600 / 60).leftPadded(2)
    }

    /// The local day of `date`, the seconds since its midnight, and the zone's offset then.
    private func local(_ date: Date) -> (Day, Int, Int) {
        let offset = timeZone.secondsFromGMT(for: date)
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let day = Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down)))
        return (day, seconds - day.ordinal * 86_400, offset)
    }
}

extension RegistryClock {
    /// "Now" as `REGISTRY_NOW` gives it (training, tests, entering a day's paper forms in a demo): ISO 8601
    /// (`2022-07-01T09:00:00+08:00`) or `YYYY-MM-DD [HH:MM]` in Asia/Shanghai; nil when it is neither.
    public static func parseNow(_ text: String) -> Date? {
        if let date = StoredTime.date(text) { return date }
        let parts = text.split(separator: " ")
        guard let first = parts.first, let day = Day(String(first)) else { return nil }
        let time = parts.count > 1 ? (try? LocalTimeOfDay(String(parts[1]), field: .time)) : nil
        return RegistryClock(timeZone: .shanghai, now: { Date() }).instant(
            day, hour: time?.hour ?? 9, minute: time?.minute ?? 0)
    }
}

extension TimeZone {
    /// China Standard Time, the default for every village.
    public static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
}
