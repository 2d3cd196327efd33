public import Foundation
import GRDB
public import OmnisyncCore
import OmnisyncStorage

/// The hub's embedded backend: one SQLite file in WAL mode.
///
/// Right for a small chain on one machine. Hub commands (`terminals add`,
/// `status`) open the same file while `serve` runs; WAL lets them read, and
/// writers wait for each other. SQLite has one writer at a time, so every
/// method's transaction sees a stable world and `change_seq` values are
/// assigned in commit order.
public struct SQLiteHubStore: HubStore {
    private let pool: DatabasePool
    /// Pushes commit in groups (see ``GroupCommit``).
    private let pushes: GroupCommit

    /// Opens (creating if needed) the database at `path` and migrates it. An
    /// acknowledged push survives a power cut at the hub too (see ``DurableSQLite``).
    public init(path: String) throws(HubError) {
        do {
            pool = try DurableSQLite.open(path: path, label: "omnisync-hub", migrator: SQLiteHubMigrations.migrator)
        } catch {
            throw HubError(.storage, "cannot open the hub database \(path): \(error)")
        }
        pushes = GroupCommit(pool: pool)
    }

    // MARK: Access

    /// After an erasure: no old page version with the erased data stays in
    /// the WAL. When readers keep the checkpoint from completing, a flag in
    /// the database says so (`erasurePurgePending`), and every later push
    /// and erasure, by any hub process, tries again until it completes.
    func purgeOldPageVersions() throws(HubError) {
        do {
            let wasPending = try pool.read { db in try Self.setting(db, Self.purgePendingKey, default: false) }
            let completed = try DurableSQLite.purgeOldPageVersions(pool)
            // The flag is written only when it changes, and a completed purge
            // runs once more after clearing it, so the WAL is left empty.
            if completed == wasPending {
                try pool.write { db in try Self.setSetting(db, Self.purgePendingKey, !completed) }
                if completed { try DurableSQLite.purgeOldPageVersions(pool) }
            }
        } catch {
            throw Self.hubError(error)
        }
    }

    static let purgePendingKey = "wal_purge_pending"

    func read<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(HubError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw Self.hubError(error)
        }
    }

    func write<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(HubError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw Self.hubError(error)
        }
    }

    /// Like ``write(_:)``, committed together with concurrent pushes.
    func groupWrite<T: Sendable>(_ body: @Sendable @escaping (Database) throws -> T) async throws(HubError) -> T {
        do {
            return try await pushes.write(body)
        } catch {
            throw Self.hubError(error)
        }
    }

    static func hubError(_ error: any Error) -> HubError {
        if let error = error as? HubError { return error }
        return HubError(.storage, "hub database: \(error)")
    }
}

extension TerminalContact {
    var skewMillis: Int64? { skewSeconds.map { Int64(($0 * 1000).rounded()) } }
}
