public import Foundation
public import OmnisyncCore

/// Everything the hub stores, behind one protocol made of one protocol per
/// feature (``TerminalStore``, ``SyncStore``, ``CustomerStore``,
/// ``ReviewStore``, ``SettingsStore``, ``ChannelStore``, ``ScoringStore``, ``CatalogStore``), so a backend is written, and read,
/// feature by feature.
///
/// Routes and commands talk to this protocol only; SQL stays inside the
/// backends (embedded SQLite, PostgreSQL). Each method is atomic:
/// it either happens entirely or not at all. The logic that decides what a
/// push means (``PushPlan``, ``Ingestor``) is pure and shared, so backends
/// differ only in how they read and write.
public protocol HubStore: TerminalStore, SyncStore, CustomerStore, ReviewStore, SettingsStore, ChannelStore, ScoringStore, CatalogStore, PricingStore, CampaignStore, FeedbackStore, InsightStore {}
