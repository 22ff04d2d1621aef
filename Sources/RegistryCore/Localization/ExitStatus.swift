/// How a command ended, as its exit code (BSD sysexits where one fits), so that a script or a scheduled task can tell
/// "fix the input" from "try again later". Documented in both CLIs' `--help` and in the README.
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// Done.
    case done = 0
    /// The input was refused (a wrong ID digit, a file with a bad row): nothing was written.
    case refused = 1
    /// The command line itself is wrong (an unknown option, a missing argument).
    case usage = 64
    /// The server could not be reached: nothing is lost, try again later.
    case unreachable = 69
    /// The server is busy (it answered 503 or 429): try again after a while.
    case temporary = 75
    /// The token was refused (revoked, mistyped, or for another village or region).
    case unauthorized = 77

    /// The line each status gets in `--help`.
    public static let help = """
        退出码 / exit codes: 0 完成 done · 1 输入被拒绝，未写入 refused input, nothing written · 64 命令行用法错误 usage · \
        69 连不上服务器，数据没有丢失，稍后再试 server unreachable, nothing lost · 75 服务器繁忙，稍后再试 server busy, try later · \
        77 令牌被拒绝 not authorised
        """
}

extension RegistryError {
    /// The same refusal, ending the command with `status`.
    public func ending(_ status: ExitStatus) -> RegistryError {
        var copy = self
        copy.status = status
        return copy
    }
}
