import RegistryCore

extension ContactTracingTests {
    /// An arrival from 上海市黄浦区, left two days before `today`, home yesterday: the trip every test here shares, so
    /// that what differs between them is who travelled with whom.
    static func arrival(
        _ name: String, _ id: String, with companions: [String] = [], address: String = "一组3号", today: Day
    ) -> IntakeForm {
        var form = IntakeForm()
        form.name = name
        form.idNumber = id
        form.stays = [.init(code: "310101", name: "上海市黄浦区", from: "", to: "\(today.adding(days: -2))")]
        form.arrived = "\(today.adding(days: -1))"
        form.address = address
        form.companions = companions
        return form
    }
}
