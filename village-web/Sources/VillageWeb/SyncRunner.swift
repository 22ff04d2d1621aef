import Foundation
import NIOConcurrencyHelpers
import RegistryCore
import RegistrySync

/// Runs a sync in the background for the sync page, which shows its progress by reloading itself while it runs (no
/// script needed): one sync at a time; the last one's outcome is kept to show.
final class SyncRunner: Sendable {
    enum State: Sendable {
        case idle
        case running(String)
        case finished(SyncSession.Report, at: String)
        case failed(String, at: String)
    }

    let registry: Registry
    private let state = NIOLockedValueBox(State.idle)

    init(registry: Registry) { self.registry = registry }

    var current: State { state.withLockedValue { $0 } }

    /// Starts a sync with the server and token given, else those remembered (with the remembered CA file: a county
    /// with its own certificate authority syncs from the page as from the CLI); what was given is remembered once the
    /// sync worked. False when one is running.
    func start(server: String?, token: String?) throws -> Bool {
        let target: SyncTarget
        do {
            target = try SyncTarget.resolve(registry, server: server, token: token)
        } catch is SyncTarget.Missing {
            throw RegistryError(
                .file, zh: "首次同步请填写县服务器地址和本村令牌", en: "the first sync needs the server's address and the village token")
        }
        let started = state.withLockedValue { state -> Bool in
            if case .running = state { return false }
            state = .running("连接县服务器…")
            return true
        }
        guard started else { return false }
        let session = target.session(registry)
        Task.detached { [state, registry] in
            let at = registry.clock.localText(registry.clock.now())
            do {
                let report = try await session.run { progress in
                    let line: String
                    switch progress {
                    case .pushing(let done, let total): line = "上传 \(done)/\(total)"
                    case .pulling(let done): line = "下载 \(done)"
                    }
                    state.withLockedValue { $0 = .running(line) }
                }
                state.withLockedValue { $0 = .finished(report, at: registry.clock.localText(registry.clock.now())) }
            } catch {
                state.withLockedValue { $0 = .failed(RegistryError.from(error).message(.zh), at: at) }
            }
        }
        return true
    }
}
