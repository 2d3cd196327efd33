import ArgumentParser
import Foundation
import OmnisyncCLISupport
import OmnisyncCore
import OmnisyncHubKit

struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load history from other sales channels.",
        discussion: """
            Examples:
              omnisync-hub import orders web-history.jsonl
            """,
        subcommands: [Orders.self]
    )

    struct Orders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import online orders from a JSON Lines file, one order a line.",
            discussion: """
                Each line is an order as POST /v1/orders takes it: \
                {"orderId", "channel", "at", "customer": {"card"?, "email"?, "phone"?}, "lines", "total"}. \
                Orders are applied 500 to a transaction, each once per channel and order id: running the import \
                again (after an interruption, or with a longer file) skips what is already in and resumes where it \
                stopped. An order whose customer identifiers are unusable is quarantined, not guessed at; a line \
                that is not an order is reported with its number and the import goes on. Exit status 1 when any \
                line was rejected.

                Examples:
                  omnisync-hub import orders web-history.jsonl
                  omnisync-hub import orders web-history.jsonl --json
                """
        )

        @OptionGroup var hub: HubOptions
        @Argument(help: "The JSON Lines file.") var file: String
        @Flag(help: "Print the counts as JSON.") var json = false

        struct Summary: Encodable {
            var lines = 0
            var applied = 0
            var newCustomers = 0
            var alreadyImported = 0
            var quarantined = 0
            var rejected = 0
        }

        func run() async throws {
            let summary = try await reportingFailures(program: "omnisync-hub") { () async throws -> Summary in
                let store = try await hub.openStore()
                guard let reader = LineReader(path: file) else {
                    throw ValidationError("cannot read \(file): \(String(cString: strerror(errno)))")
                }
                let total = reader.size
                let progress = Progress("importing \(file)", unit: "bytes")
                defer { progress.finish() }
                var summary = Summary()
                var batch: [OnlineOrder] = []
                func flush() async throws {
                    guard !batch.isEmpty else { return }
                    for outcome in try await store.recordOnlineOrders(batch, at: Date()) {
                        switch outcome.status {
                        case .applied:
                            summary.applied += 1
                            if outcome.created { summary.newCustomers += 1 }
                        case .duplicate:
                            summary.alreadyImported += 1
                        case .quarantined:
                            summary.quarantined += 1
                        }
                    }
                    batch.removeAll(keepingCapacity: true)
                    progress.update(done: Int64(reader.offset), total: Int64(total), detail: "(\(summary.lines) lines)")
                }
                while let line = reader.next() {
                    summary.lines += 1
                    if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) { continue }
                    do {
                        batch.append(try WireCoding.decode(OnlineOrder.self, from: line))
                    } catch {
                        summary.rejected += 1
                        progress.finish()
                        Output.error("omnisync-hub: \(file):\(summary.lines): \(error)")
                    }
                    if batch.count == 500 { try await flush() }
                }
                try await flush()
                return summary
            }
            if json {
                try Output.json(summary)
            } else {
                print("""
                    imported \(file): \(summary.applied) orders applied (\(summary.newCustomers) new customers), \
                    \(summary.alreadyImported) already imported, \(summary.quarantined) quarantined, \(summary.rejected) lines rejected
                    """)
            }
            if summary.rejected > 0 { throw ExitCode(1) }
        }
    }
}

/// Reads a file a line at a time (without its newline), in blocks, so a
/// history of millions of orders is never in memory at once.
final class LineReader {
    private let handle: FileHandle
    private var buffer = Data()
    private var atEnd = false
    /// Bytes consumed so far, for progress.
    private(set) var offset = 0
    let size: Int

    init?(path: String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        self.handle = handle
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    deinit { try? handle.close() }

    func next() -> Data? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[buffer.startIndex..<newline]
                offset += line.count + 1
                buffer = buffer[(newline + 1)...]
                return Data(line)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                let line = buffer
                offset += line.count
                buffer = Data()
                return Data(line)
            }
            let block = (try? handle.read(upToCount: 1 << 20)) ?? nil
            if let block, !block.isEmpty {
                buffer.append(block)
            } else {
                atEnd = true
            }
        }
    }
}
