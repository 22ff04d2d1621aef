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
}
