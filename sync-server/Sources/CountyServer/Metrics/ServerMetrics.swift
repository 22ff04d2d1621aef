import CoreMetrics
import Foundation
import Prometheus
import RegistrySync

/// What `GET /metrics` shows Prometheus (its text format, behind a county token): pushes, pulls, changes applied and
/// rejected by reason, whole pushes refused by reason, the writer's queue, request latency (Hummingbird's
/// `MetricsMiddleware`: by route template, method and status), and today's reports on time, late and missing.
/// Recorded through swift-metrics into a Prometheus registry. No label ever holds personal data: routes are
/// templates, a rejection's reason is the table and column it names, never a value.
public enum ServerMetrics {
    /// The registry `/metrics` emits.
    public static let registry = PrometheusCollectorRegistry()

    /// Routes swift-metrics to `registry` (once per process, by `serve`). Names and label names are made Prometheus'
    /// (`http.server.request.duration` → `http_server_request_duration`).
    public static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // The library's buckets end at 10 s; a push that waited 30 s or a minute at 17:00 is what an operator must see.
        factory.defaultDurationHistogramBuckets += [.seconds(30), .seconds(60)]
        factory.nameAndLabelSanitizer = { name, labels in (sanitized(name), labels.map { (sanitized($0.0), $0.1) }) }
        MetricsSystem.bootstrap(factory)
    }

    static func sanitized(_ name: String) -> String {
        String(name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") ? $0 : "_" })
    }

    /// A push (a village's, or a region's relay) acknowledged.
    static func pushed(relay: Bool, changes: Int, rejected: [Wire.Rejection]) {
        let kind = relay ? "relay" : "village"
        Counter(label: "sync_pushes_total", dimensions: [("kind", kind)]).increment()
        Counter(label: "sync_changes_applied_total", dimensions: [("kind", kind)]).increment(
            by: Int64(changes - rejected.count))
        for rejection in rejected {
            Counter(label: "sync_changes_rejected_total", dimensions: [("reason", reason(rejection.reason))])
                .increment()
        }
    }

    /// A pull answered, with how many log entries it sent.
    static func pulled(relay: Bool, changes: Int) {
        let kind = relay ? "relay" : "village"
        Counter(label: "sync_pulls_total", dimensions: [("kind", kind)]).increment()
        Counter(label: "sync_changes_sent_total", dimensions: [("kind", kind)]).increment(by: Int64(changes))
    }

    /// A whole push refused (`PushRefusal`: busy, gap, clock_skew, …).
    static func refused(_ code: String) {
        Counter(label: "sync_pushes_refused_total", dimensions: [("reason", code)]).increment()
    }

    /// The changes waiting for the writer.
    static func queueLength(_ changes: Int) {
        Gauge(label: "sync_writer_queue_changes").record(changes)
    }

    /// The push bodies admitted (bytes) and the pushes waiting to be read (`PushGate`): at 17:00 an operator sees
    /// the server holding villages back before any is answered busy.
    static func gate(heldBytes: Int, waiting: Int) {
        Gauge(label: "sync_push_bytes_held").record(heldBytes)
        Gauge(label: "sync_pushes_waiting").record(waiting)
    }

    /// Today's villages by report status, set when `/metrics` is read.
    static func reports(onTime: Int, late: Int, missing: Int) {
        for (status, count) in [("on_time", onTime), ("late", late), ("missing", missing)] {
            Gauge(label: "reports_today_villages", dimensions: [("status", status)]).record(count)
        }
    }

    /// A rejection's reason as a label: the `table.column` its message starts with, or the kind of check.
    static func reason(_ message: String) -> String {
        let head = message.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        let parts = head.split(separator: ".")
        if parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && ($0.isLowercase || $0 == "_") } })
        {
            return head
        }
        if message.contains("clock") { return "clock" }
        if message.contains("scope") || message.contains("inside") || message.contains("another") { return "scope" }
        return "other"
    }
}
