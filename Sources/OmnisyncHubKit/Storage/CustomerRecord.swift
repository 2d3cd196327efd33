public import OmnisyncCore

/// Everything the hub keeps about one customer: the replicated profile state
/// (shared with terminals) and the hub-only activity projection.
public struct CustomerRecord: Sendable, Hashable {
    public var state: ProfileState
    public var activity: CustomerActivity

    public init(state: ProfileState, activity: CustomerActivity = CustomerActivity()) {
        self.state = state
        self.activity = activity
    }

    public init(id: CustomerID) {
        self.init(state: ProfileState(id: id))
    }
}
