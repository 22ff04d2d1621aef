/// Stored times (ISO 8601 with the writer's offset, e.g. `2022-07-10T16:58:00+08:00`) as people read them. The
/// wall clock is taken as written: a village stores its own local time, which is the time its clerk and the
/// county officer (same zone) mean.
public enum ReadableTime {
    /// `2022-07-10 16:58`, for printed documents; the text itself when it is not a stored time.
    public static func minute(_ iso: String) -> String {
        guard let (day, hour, minute) = parts(iso) else { return iso }
        return "\(day) \(hour):\(minute)"
    }

    /// `7月10日 16:58`, for lists read on a screen the same year.
    public static func short(_ iso: String) -> String {
        guard let (day, hour, minute) = parts(iso), let month = Int(day.dropFirst(5).prefix(2)),
            let dom = Int(day.suffix(2))
        else {
            return iso
        }
        return "\(month)月\(dom)日 \(hour):\(minute)"
    }

    /// `7月10日` from a day.
    public static func short(_ day: Day) -> String {
        let text = "\(day)"
        return "\(Int(text.dropFirst(5).prefix(2)) ?? 0)月\(Int(text.suffix(2)) ?? 0)日"
    }

    /// How late something came, as people say it: `迟到 35 分钟`, `迟到 2 小时`, `迟到 1 天 3 小时` (hours rounded down
    /// past the first hour).
    public static func lateness(minutes: Int) -> String {
        if minutes < 60 { return "迟到 \(max(minutes, 1)) 分钟" }
        let hours = minutes / 60
        if hours < 24 { return "迟到 \(hours) 小时" }
        return "迟到 \(hours / 24) 天" + (hours % 24 > 0 ? " \(hours % 24) 小时" : "")
    }

    /// The day, hour and minute as written, when `iso` starts `YYYY-MM-DDTHH:MM`.
    private static func parts(_ iso: String) -> (String, Substring, Substring)? {
        let chars = Array(iso.utf8)
        guard chars.count >= 16, chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: " "),
            chars[13] == UInt8(ascii: ":"),
            let day = Day(String(iso.prefix(10)))
        else { return nil }
        let time = iso.dropFirst(11)
        return ("\(day)", time.prefix(2), time.dropFirst(3).prefix(2))
    }
}
