import RegistryCore

/// Why a push was answered with something other than an acknowledgement.
public enum PushRefusal: Error, Sendable {
    /// The batch does not follow on from what the server has applied for the site (409).
    case gap(expected: Int64)
    /// A change is stamped further ahead of the server's clock than allowed (422): the computer's clock is wrong.
    case clockAhead(minutes: Int)
    /// The site belongs to another village (403).
    case wrongVillage
    /// The site is the county's own, or was first seen under another token (403).
    case foreignSite
    /// The batch's numbering does not hold together (400): why.
    case malformed(Localized)
    /// Too many changes wait for the writer (503): try again after `retryAfter` seconds.
    case busy(retryAfter: Int)

    /// How the changes came: over HTTP, or in a carried file (the advice differs: sync again, or make a new file).
    public enum Path: Sendable { case http, carried }

    /// The refusal in both languages, as the village (and, for a carried file, the officer importing it) reads it:
    /// worded once here for both paths, so that HTTP's answer and the file's cannot drift apart.
    public func message(_ path: Path) -> Localized {
        switch self {
        case .gap(let expected):
            return Localized(
                zh: "上传顺序不连续，应从 \(expected) 之后开始", en: "the batch does not follow on; expected after \(expected)")
        case .clockAhead(let minutes):
            return path == .http
                ? Localized(
                    zh: "这台电脑的时间比县服务器快了约 \(minutes) 分钟。请校正电脑的日期和时间后再同步，已登记的数据不会丢失。",
                    en:
                        "This computer's clock is about \(minutes) minutes ahead of the county server. Fix the computer's date and time, then sync again; nothing is lost."
                )
                : Localized(
                    zh: "村里电脑的时间比县服务器快了约 \(minutes) 分钟：请村里校正日期和时间后重新生成同步文件",
                    en: "the village's clock is about \(minutes) minutes ahead: fix it, then make a new file")
        case .wrongVillage:
            return Localized(zh: "此设备已登记在其他村", en: "this device is registered to another village")
        case .foreignSite:
            return Localized(
                zh: "此设备编号属于县服务器或其他令牌，不能用本令牌上传",
                en: "this site belongs to the county or to another token")
        case .malformed(let reason):
            return reason
        case .busy(let seconds):
            return Localized(
                zh: "县服务器正忙，请 \(seconds) 秒后重试（数据没有丢失）",
                en: "the server is busy; try again in \(seconds) s (nothing is lost)")
        }
    }
}
