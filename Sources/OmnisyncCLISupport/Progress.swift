public import Foundation
import Synchronization

/// Progress of a long command (sync, import, recompute) on standard error.
///
/// On a terminal it redraws one line, a bar when the total is known
/// (`importing orders.jsonl [########------------] 41% 4,100/10,000 lines`)
/// and the elapsed time when it is not (`scoring customers… 12 s`). When
/// standard error is not a terminal (a log, a pipe, systemd) it falls back to
/// plain lines: none for an operation that ends within the first
/// ``plainDelay`` seconds, then one every ``plainInterval`` seconds, so a
/// cron job's log shows that a long import is moving without filling up.
///
/// `OMNISYNC_PROGRESS=bar|plain|none` overrides the choice (`plain` with
/// `OMNISYNC_PROGRESS_INTERVAL=0` prints every update: the tests use it).
public final class Progress: Sendable {
    public enum Style: String, Sendable { case bar, plain, none }

    private struct State {
        var done: Int64 = 0
        var total: Int64?
        var detail = ""
        var lastPlain: ContinuousClock.Instant?
        var drawn = false
    }

    private let label: String
    private let unit: String
    private let style: Style
    private let started = ContinuousClock.now
    private let plainDelay: Duration
    private let plainInterval: Duration
    private let state = Mutex(State())

    public init(_ label: String, unit: String = "", environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.unit = unit
        style = environment["OMNISYNC_PROGRESS"].flatMap(Style.init(rawValue:)) ?? (Output.showsProgress ? .bar : .plain)
        let interval = environment["OMNISYNC_PROGRESS_INTERVAL"].flatMap(Double.init).map { Duration.milliseconds(Int64($0 * 1000)) }
        plainDelay = interval ?? .seconds(2)
        plainInterval = interval ?? .seconds(5)
    }

    /// `done` of `total` (nil: unknown), with a few words of detail.
    public func update(done: Int64, total: Int64? = nil, detail: String = "") {
        state.withLock {
            $0.done = done
            $0.total = total
            $0.detail = detail
            draw(&$0)
        }
    }

    /// Clears the line (terminal) so the command's result starts on a fresh line.
    public func finish() {
        state.withLock { state in
            if style == .bar && state.drawn {
                FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
                state.drawn = false
            }
        }
    }

    /// Runs `body`, redrawing the elapsed time every second until it returns:
    /// for a step whose progress cannot be counted (one database transaction).
    public func whileRunning<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        let ticker = Task { [self] in
            while !Task.isCancelled {
                state.withLock { draw(&$0) }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        defer {
            ticker.cancel()
            finish()
        }
        return try await body()
    }

    private func draw(_ state: inout State) {
        let elapsed = ContinuousClock.now - started
        switch style {
        case .none:
            return
        case .bar:
            FileHandle.standardError.write(Data("\r\u{1B}[K\(text(state, elapsed: elapsed, bar: true))".utf8))
            state.drawn = true
        case .plain:
            let now = ContinuousClock.now
            if let last = state.lastPlain {
                guard now - last >= plainInterval else { return }
            } else {
                guard elapsed >= plainDelay else { return }
            }
            state.lastPlain = now
            FileHandle.standardError.write(Data((text(state, elapsed: elapsed, bar: false) + "\n").utf8))
        }
    }

    private func text(_ state: State, elapsed: Duration, bar: Bool) -> String {
        let seconds = Int(elapsed.components.seconds)
        var parts = [label]
        if let total = state.total, total > 0 {
            let fraction = min(1, Double(state.done) / Double(total))
            if bar {
                let width = 20
                let filled = Int(fraction * Double(width))
                parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]")
            }
            parts.append("\(Int(fraction * 100))%")
            parts.append("\(Self.grouped(state.done))/\(Self.grouped(total))\(unit.isEmpty ? "" : " \(unit)")")
        } else if state.done > 0 {
            parts.append("\(Self.grouped(state.done))\(unit.isEmpty ? "" : " \(unit)")")
        }
        if !state.detail.isEmpty { parts.append(state.detail) }
        parts.append("\(seconds) s")
        return parts.joined(separator: " ")
    }

    /// 12345 -> "12,345".
    static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return (value < 0 ? "-" : "") + out
    }
}
