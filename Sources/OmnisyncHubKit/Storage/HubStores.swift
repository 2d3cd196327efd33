/// The one place a storage backend is chosen.
public enum HubStores {
    /// Opens the store `location` names, migrating its schema.
    public static func open(_ location: DatabaseLocation) throws(HubError) -> any HubStore {
        switch location {
        case .sqlite(let path):
            return try SQLiteHubStore(path: path)
        case .postgres:
            throw HubError(
                .configuration,
                "this hub build has no PostgreSQL backend yet; run with the embedded SQLite default (omit --database)"
            )
        }
    }
}
