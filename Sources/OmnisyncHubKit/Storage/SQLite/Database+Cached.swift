import GRDB

extension Database {
    /// Executes `sql` through a statement compiled once per connection (GRDB's
    /// statement cache). The push path runs the same few statements for every
    /// entry of every terminal, and compiling one (parsing, authorizing) costs
    /// more than running it. Only for SQL whose text does not vary.
    func run(sql: String, arguments: StatementArguments = StatementArguments()) throws {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}
