import Foundation
import GRDB

@testable import RegistryCore

/// A fresh registry in memory, initialised for a test village, with a fixed "now" in Asia/Shanghai.
func makeRegistry(now: String = "2022-07-10 09:00", village: String = "110105001001") throws -> Registry {
    let clock = RegistryClock.fixed(instant(now))
    let registry = try Registry.inMemory(clock: clock)
    _ = try registry.initialize(village: village, name: "测试村")
    return registry
}

/// The instant of a local `YYYY-MM-DD HH:MM` in Asia/Shanghai.
func instant(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let hm = parts[1].split(separator: ":").map { Int($0)! }
    return RegistryClock.fixed(Date()).instant(Day(String(parts[0]))!, hour: hm[0], minute: hm[1])
}

func day(_ text: String) -> Day { Day(text)! }

/// An intake form with the usual fields; override what the test is about.
func form(
    name: String = "张三", id: String = "420102199003071232", phone: String = "13800138000",
    from: String = "420102", departed: String = "2022-07-01", arrived: String = "2022-07-02",
    category: String = ""
) -> IntakeForm {
    var f = IntakeForm()
    f.name = name
    f.idNumber = id
    f.phone = phone
    f.stays = [.init(code: from, name: "来源地", from: "", to: departed)]
    f.arrived = arrived
    f.category = category
    return f
}

/// Rows of every synced table, as sorted text, for "nothing changed" checks.
func snapshot(_ registry: Registry) throws -> [String] {
    try registry.writer.read { db in
        var out: [String] = []
        for table in SyncedTables.names + ["change_log"] {
            let rows = try GRDB.Row.fetchAll(db, sql: "SELECT * FROM \(table)")
            out += rows.map { "\(table): \($0)" }.sorted()
        }
        return out
    }
}
