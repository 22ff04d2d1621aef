import Foundation
import RegistryCore

/// One village on one day, for the officer's drill-down page: its report as it stands, the persons under a measure
/// with the measure in force and their tests due or overdue, its leads, the persons flagged that day and the
/// deletions with their reasons.
public struct VillageDetail: Sendable {
    public struct Under: Sendable {
        public var personId: String
        public var name: String
        public var idNumber: String
        public var phone: String
        public var category: String
        /// The measure in force on the day (or 期满待解除 past its last day) and its span.
        public var measure: String
        public var span: String
        /// Test days due on the day or overdue (not sampled).
        public var testsDue: [Day]
        public var testsOverdue: [Day]
    }

    public var code: String
    public var name: String
    public var townshipName: String
    public var report: DailyReport?
    public var under: [Under]

    /// The same with every person masked.
    public var masked: VillageDetail {
        var copy = self
        copy.under = under.map {
            var u = $0
            u.name = Mask.name(u.name)
            u.idNumber = Mask.idNumber(u.idNumber)
            u.phone = Mask.phone(u.phone)
            return u
        }
        return copy
    }
}

extension CountyStore {
    public func villageDetail(_ code: String, on day: Day) async throws -> VillageDetail? {
        try await reading { try $0.villageDetail(code, on: day) }
    }
}
