namespace Portal.Infrastructure.Notifications;

using System.Text.Json.Nodes;
using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.Notifications;
using Portal.Core.Receipts;
using Portal.Infrastructure.Persistence;

/// <summary>
/// Adds events to the outbox of the context it is given, to be saved in the same transaction as the state
/// change they report (a run's end, a pause): the change and its notification are committed together or not at all.
/// </summary>
public static class Outbox
{
    public static void Add(PortalDbContext db, string @event, Guid connectionId, Guid customerId, DateTimeOffset at, long? runId = null,
        int? consecutiveFailures = null, JsonObject? data = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.OutboxEvents.Add(new OutboxEvent
        {
            Event = @event, ConnectionId = connectionId, CustomerId = customerId, OccurredAt = at, RunId = runId,
            ConsecutiveFailures = consecutiveFailures, Data = data?.ToJsonString(),
        });
    }

    /// <summary>A run that failed after its retries: <c>run.failed</c>, and <c>connection.failing</c> with the streak (rules pick their number).</summary>
    public static void RunFailed(PortalDbContext db, Guid connectionId, Guid customerId, long runId, DateTimeOffset at, int streak, string? error, string? step)
    {
        // The error as a customer may read it (no endpoints, keys or account ids), short enough for a chat line.
        var safe = Runs.RunFailure.ForCustomer(error);
        var data = new JsonObject { ["error"] = safe is { Length: > 500 } ? safe[..500] + "…" : safe, ["step"] = step, ["consecutiveFailures"] = streak };
        Add(db, NotificationEvents.RunFailed, connectionId, customerId, at, runId, streak, data);
        Add(db, NotificationEvents.ConnectionFailing, connectionId, customerId, at, runId, streak, new JsonObject { ["consecutiveFailures"] = streak });
    }

    public static void Paused(PortalDbContext db, Connection connection, DateTimeOffset at, string reason, long? runId = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Add(db, NotificationEvents.ConnectionPaused, connection.Id, connection.CustomerId, at, runId, connection.ConsecutiveFailures,
            new JsonObject { ["reason"] = reason, ["consecutiveFailures"] = connection.ConsecutiveFailures });
    }

    /// <summary>A delivered run: its kind's delivered event, with the receipt's loader-facing fields for a dump.</summary>
    public static void Delivered(PortalDbContext db, Guid connectionId, Guid customerId, DeliveryKind kind, long runId, DateTimeOffset at,
        long rows, long bytes, int files, string? receiptKey, ReceiptDocument? receipt)
    {
        var data = new JsonObject { ["rows"] = rows, ["bytes"] = bytes, ["files"] = files };
        if (kind == DeliveryKind.Dump && receipt is not null) data["receipt"] = ReceiptSummary(receipt, receiptKey);
        Add(db, NotificationEvents.DeliveredOf(kind), connectionId, customerId, at, runId, data: data);
    }

    /// <summary>
    /// <c>schema.changed</c>: per stream its changes (column, change, before, after) and, when the connection fails runs on
    /// such changes, that this run failed for them.
    /// </summary>
    public static void SchemaChanged(PortalDbContext db, Guid connectionId, Guid customerId, long runId, DateTimeOffset at,
        IReadOnlyDictionary<string, IReadOnlyList<SchemaChange>> changes, bool failed)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0) return;
        var streams = new JsonObject();
        foreach (var (stream, list) in changes) streams[stream] = new JsonArray(list.Select(c => (JsonNode)c.ToJson()).ToArray());
        var summary = string.Join("; ", changes.Select(c => $"{c.Key}: {string.Join(", ", c.Value.Select(x => x.Describe()))}"));
        Add(db, NotificationEvents.SchemaChanged, connectionId, customerId, at, runId, data: new JsonObject
        {
            ["streams"] = streams, ["failed"] = failed, ["summary"] = summary.Length > 500 ? summary[..500] + "…" : summary,
        });
    }

    /// <summary>What a loader needs to start from a receipt without listing the bucket: its timestamp, folder and each table's folder and counts.</summary>
    public static JsonObject ReceiptSummary(ReceiptDocument receipt, string? receiptKey)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var tables = new JsonObject();
        foreach (var t in receipt.Tables)
        {
            tables[t.Name] = new JsonObject
            {
                ["folder"] = t.Folder, ["total_file_count"] = t.TotalFileCount, ["row_count"] = t.RowCount, ["bytes"] = t.Bytes, ["schema"] = t.SchemaKey,
            };
        }
        return new JsonObject
        {
            ["key"] = receiptKey, ["timestamp"] = receipt.Timestamp, ["folder"] = receipt.Folder, ["run_id"] = receipt.RunId, ["tables"] = tables,
        };
    }

    internal static JsonObject? Parse(string? data) => data is null ? null : JsonNode.Parse(data) as JsonObject;
}
