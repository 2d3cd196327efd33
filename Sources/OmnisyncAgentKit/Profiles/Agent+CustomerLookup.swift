public import OmnisyncCore

extension Agent {
    /// Where a customer lookup may look.
    public enum LookupReach: Sendable {
        /// Only this terminal's local view: answers in microseconds, offline too.
        case localOnly
        /// The local view, then the hub for a card this terminal does not know
        /// (a customer of another store; a few seconds at most).
        case askingHub
    }

    /// The customer holding `card` as this terminal knows them, failing with
    /// ``AgentError/Code/notFound`` when nobody does.
    ///
    /// With ``LookupReach/askingHub``, an unknown card is looked up at the hub
    /// and the answer kept locally (see ``lookUpAtHub(card:transport:)``), so
    /// the next lookup works offline.
    public func lookUp(card: CardNumber, reach: LookupReach) async throws(AgentError) -> ProfileState {
        if let found = try customer(card: card) { return found }
        guard reach == .askingHub else {
            throw AgentError(.notFound, "no customer with card \(card.masked) is known at this terminal")
        }
        guard let found = try await lookUpAtHub(card: card) else {
            throw AgentError(.notFound, "no customer holds card \(card.masked), here or at the hub")
        }
        return found
    }

    /// The customer `id` as this terminal knows them, failing with
    /// ``AgentError/Code/notFound`` when it has never seen them.
    public func lookUp(id: CustomerID) throws(AgentError) -> ProfileState {
        guard let found = try customer(id: id) else {
            throw AgentError(.notFound, "customer \(id) is not known at this terminal")
        }
        return found
    }
}
