import Foundation
import GRDB
import OmnisyncCore

/// The checks behind `omnisync-agent verify`.
enum JournalVerifier {
    static func verify(_ db: Database) throws -> VerifyReport {
        var problems: [String] = []
        let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        if integrity != ["ok"] {
            problems.append(contentsOf: integrity.prefix(10).map { "sqlite integrity: \($0)" })
        }
        let state = try AgentStateRow.fetch(db)

        var entries: Int64 = 0
        var expected: [String: Int64] = [:]
        var previousHash: [String: String] = [:]
        let erased = Set(try String.fetchAll(db, sql: "SELECT id FROM erased_customers"))
        let cursor = try Row.fetchCursor(db, sql: "SELECT terminal, seq, id, customer, body, hash, redacted FROM journal ORDER BY terminal, seq")
        while let row = try cursor.next() {
            entries += 1
            let terminal: String = row["terminal"]
            let seq: Int64 = row["seq"]
            let next = expected[terminal, default: 1]
            if seq != next {
                problems.append("terminal \(terminal): sequence jumps from \(next - 1) to \(seq)")
            }
            expected[terminal] = seq + 1
            let body: Data = row["body"]
            let hash: String? = row["hash"]
            let redacted: Bool = row["redacted"]
            // The content must still hash to what was recorded, unless the
            // entry was redacted because its customer was erased.
            if redacted {
                if !erased.contains((row["customer"] as String?) ?? "") {
                    problems.append("terminal \(terminal) seq \(seq): marked redacted, but its customer was not erased")
                }
            } else if hash != ChainHash.of(body) {
                problems.append("terminal \(terminal) seq \(seq): the entry was modified after it was recorded (its hash does not match)")
            }
            do {
                let entry = try WireCoding.decode(JournalEntry.self, from: body)
                if entry.seq != seq || entry.id.rawValue != (row["id"] as String) || entry.terminal.rawValue != terminal {
                    problems.append("terminal \(terminal) seq \(seq): stored columns disagree with the entry's content")
                }
                if seq > 1, let before = previousHash[terminal], entry.previousHash != before {
                    problems.append("terminal \(terminal) seq \(seq): hash chain broken (entry \(seq - 1) was modified or replaced)")
                }
            } catch {
                problems.append("terminal \(terminal) seq \(seq): entry does not decode (\(error.description))")
            }
            if let hash { previousHash[terminal] = hash }
        }
        let last = (expected[state.terminal.rawValue] ?? 1) - 1
        if state.acknowledgedSeq > last {
            problems.append("acknowledged sequence \(state.acknowledgedSeq) is beyond the journal's last entry \(last)")
        }

        var profiles = 0
        for row in try Row.fetchAll(db, sql: "SELECT id, state FROM profiles") {
            profiles += 1
            let id: String = row["id"]
            do {
                let profile = try ProfileState(compactBytes: [UInt8](row["state"] as Data))
                if profile.id.rawValue != id { problems.append("profile \(id): stored under the wrong id") }
            } catch {
                problems.append("profile \(id): does not decode (\(error))")
            }
        }
        return VerifyReport(entries: entries, profiles: profiles, problems: problems)
    }
}
