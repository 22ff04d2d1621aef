import Foundation
import RegistryCore

/// What a region may relay up, checked per entry before the writer sees it (the merge then checks that a row it
/// changes exists under the same scope, `MergeDecision.relayOwnerProblem`). A region writes only inside itself: each
/// entry's scope lies inside the sender's region and its row's `village` column says the same; no entry claims to
/// come from this server or from a server of its level or above (those are written here or sent down from above).
enum RelayRules {
    /// The ranks of the levels, lowest first: a server's site id starts with its level (`county-…`).
    static func rank(_ level: RegionLevel) -> Int { RegionLevel.allCases.firstIndex(of: level)! }

    /// Why `entry`, relayed by `region`, may not be written at the server `receiver`, or nil.
    static func problem(_ entry: RelayWire.Entry, region: String, receiver: CountySettings, latest: HLC)
        -> Localized?
    {
        let change = entry.change
        if change.origin == receiver.site || !ColumnRule.isIdentifier(change.origin) {
            return Localized(zh: "修改的来源站点无效", en: "the change's origin is not a valid site")
        }
        if let level = RegionLevel.allCases.first(where: { change.origin.hasPrefix("\($0.rawValue)-") }),
            rank(level) >= rank(receiver.level)
        {
            return Localized(
                zh: "下级不能转发\(level.chinese)服务器的修改",
                en: "a region below cannot relay a \(level.rawValue) server's change")
        }
        let scope = entry.scope
        guard scope.count == 6 || scope.count == 12, scope.utf8.allSatisfy({ (48...57).contains($0) }),
            RegionLevel.of(region).contains(scope, region: region)
        else {
            return Localized(zh: "\(scope) 不在 \(region) 辖区内", en: "\(scope) is not inside \(region)")
        }
        if let village = change.columns.values["village"], village != .string(scope) {
            return Localized(zh: "记录的村代码与其范围 \(scope) 不一致", en: "the row's village differs from its scope \(scope)")
        }
        if HLC(raw: change.hlc) > latest {
            return Localized(zh: "修改的时间超前于本服务器时钟", en: "the change is stamped ahead of this server's clock")
        }
        return nil
    }
}
