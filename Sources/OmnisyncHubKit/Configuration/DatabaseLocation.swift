/// Where the hub keeps its data, from `--database`.
public enum DatabaseLocation: Sendable, Hashable {
    /// An embedded SQLite file (the default: `DIR/hub.sqlite`).
    case sqlite(path: String)
    /// A PostgreSQL server.
    case postgres(url: String)

    /// Parses `--database`: absent means embedded SQLite in the data dir;
    /// `sqlite:PATH` names another file; `postgres://...` selects PostgreSQL.
    public static func parse(_ value: String?, directory: HubDataDirectory) throws(HubError) -> DatabaseLocation {
        guard let value, !value.isEmpty else { return .sqlite(path: directory.databasePath) }
        if value.hasPrefix("postgres://") || value.hasPrefix("postgresql://") { return .postgres(url: value) }
        for prefix in ["sqlite://", "sqlite:"] where value.hasPrefix(prefix) {
            let path = String(value.dropFirst(prefix.count))
            guard !path.isEmpty else { break }
            return .sqlite(path: path)
        }
        throw HubError(.configuration, "--database must be sqlite:PATH or postgres://USER@HOST/DB (got '\(value)')")
    }
}
