import GRDB

extension RegistryError {
    /// Any error as a refusal a clerk can read: registry refusals as they are, database failures in plain
    /// words (never SQL), anything else by its description.
    public static func from(_ error: any Error) -> RegistryError {
        if let error = error as? RegistryError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return RegistryError(
                    nil, zh: "数据库正被另一程序占用，请稍后重试", en: "the database is busy in another program; try again"
                ).ending(.temporary)
            case .SQLITE_FULL:
                return RegistryError(nil, zh: "磁盘已满，未写入任何数据", en: "the disk is full; nothing was written")
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                return RegistryError(.file, zh: "数据库文件已损坏或不是登记库", en: "the database file is damaged or not a registry")
            case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
                return RegistryError(.file, zh: "无法写入数据库文件（权限？）", en: "cannot write the database file (permissions?)")
            case .SQLITE_CONSTRAINT:
                return RegistryError(
                    nil, zh: "数据不符合登记库的约束，未写入：\(error.message ?? "")",
                    en: "the data breaks a registry constraint; nothing was written: \(error.message ?? "")")
            default:
                return RegistryError(
                    nil, zh: "数据库错误（代码 \(error.resultCode.rawValue)），未写入",
                    en: "database error (code \(error.resultCode.rawValue)); nothing was written")
            }
        }
        return RegistryError(nil, zh: "\(error)", en: "\(error)")
    }
}
