import Foundation
import RegistryCore

extension LabResults {
    /// A lab result for a person registered in no village, kept at the county (`lab_unmatched`): a positive is
    /// listed first on the dashboard (阳性未落地) until a village registers the person or it was sent as a lead.
    public struct Kept: Sendable, Equatable {
        public var idNumber: String
        public var sampledOn: Day
        public var name: String
        public var phone: String?
        public var result: TestResult
        public var lab: String?
        public var importedAt: String
        /// The village it was sent to as a lead, if it was.
        public var leadVillage: String?

        /// The same with the person masked (the dashboard's default).
        public var masked: Kept {
            var copy = self
            copy.name = Mask.name(name)
            copy.idNumber = Mask.idNumber(idNumber)
            copy.phone = phone.map(Mask.phone)
            return copy
        }
    }
}
