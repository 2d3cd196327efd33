import Foundation
import Logging
import ServiceLifecycle

/// Runs the predictive insight's pass (``InsightRefresher/scheduled(at:)``:
/// a refit once a day, otherwise the customers who bought since), then the
/// CRM recompute (``ScoringStore/recompute(at:)``, whose churn flag reads the
/// insight's probability alive), then the campaigns' membership pass
/// (``CampaignStore/assignCampaignMembers(at:)``), on a schedule while the
/// hub serves: every `interval`, first one `interval` after start; stops
/// between runs on graceful shutdown. A failed run is logged and the next
/// one tries again: scores lag, nothing else is affected.
struct RecomputeService: Service {
    let store: any HubStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // One for the service's life, so the models stay decoded between passes.
        let insight = InsightRefresher(store: store)
        while true {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            if Task.isCancelled || Task.isShuttingDownGracefully { return }
            do {
                let report = try await insight.scheduled(at: Date())
                logger.info("customer insight \(report.kind == .refit ? "refitted" : "updated")", metadata: [
                    "customers": "\(report.customers)", "profilesChanged": "\(report.profilesChanged)",
                    "seconds": "\(String(format: "%.1f", report.seconds.read + report.seconds.compute + report.seconds.write))",
                    "notes": "\(report.models.notes.joined(separator: "; "))",
                ])
            } catch {
                logger.error("the customer insight pass failed; next try in \(interval)", metadata: ["error": "\(error)"])
            }
            do {
                let report = try await store.recompute(at: Date())
                let joined = try await store.assignCampaignMembers(at: Date())
                logger.info("customers scored", metadata: [
                    "customers": "\(report.customers)", "changed": "\(report.changed)", "profilesChanged": "\(report.profilesChanged)",
                    "seconds": "\(String(format: "%.1f", report.seconds))", "campaignMembersJoined": "\(joined)",
                ])
            } catch {
                logger.error("scoring customers failed; next try in \(interval)", metadata: ["error": "\(error)"])
            }
        }
    }
}
