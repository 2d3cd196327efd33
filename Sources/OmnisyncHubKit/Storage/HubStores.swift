/// The one place a storage backend is chosen.
public enum HubStores {
    /// Opens the store `location` names, migrating its schema (on
    /// PostgreSQL, once, whichever replica starts first).
    public static func open(_ location: DatabaseLocation) async throws(HubError) -> any HubStore {
        switch location {
        case .sqlite(let path):
            return try SQLiteHubStore(path: path)
        case .postgres(let url):
            return try await PostgresHubStore(url: url)
        }
    }
}
