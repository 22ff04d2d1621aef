import ArgumentParser
import Foundation
import RegistryCore

/// Asks for the village's token at the terminal, without echo, when none is given or remembered: a token typed as
/// `--token` stays in the shell's history and shows in `ps` to anyone on the machine.
enum TokenPrompt {
    /// The token typed, or nil when there is no terminal to ask at (a scheduled task: it gets `$REGISTRY_TOKEN`).
    static func read(_ language: Language) -> String? {
        guard isatty(0) == 1, isatty(2) == 1 else { return nil }
        let prompt =
            language == .zh
            ? "请输入县指挥部发给本村的令牌（输入时不显示）：" : "The village's token from the county (not shown as you type): "
        guard let typed = getpass(prompt) else { return nil }
        let token = String(cString: typed).trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

extension ExitCode {
    /// The exit code that says how `refusal` ended the command (`ExitStatus`).
    init(_ refusal: RegistryError) { self.init(refusal.status.rawValue) }
}
