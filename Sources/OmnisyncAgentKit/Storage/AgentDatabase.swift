import GRDB
import OmnisyncStorage

/// Opens the agent's database (journal, local profiles, sync state) with the
/// durability `record` promises; see ``DurableSQLite``.
enum AgentDatabase {
    static func open(_ directory: AgentDataDirectory) throws -> DatabasePool {
        try DurableSQLite.open(path: directory.databasePath, label: "omnisync-agent", migrator: AgentMigrations.migrator)
    }
}
