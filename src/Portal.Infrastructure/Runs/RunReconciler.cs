namespace Portal.Infrastructure.Runs;

using Microsoft.Extensions.Logging;
using Portal.Core.Connections;
using Portal.Core.KeyTemplates;
using Portal.Core.Receipts;
using Portal.Infrastructure.Delivery;
using Portal.Infrastructure.S3;

/// <summary>
/// Tells from the bucket whether a run whose end was not recorded delivered: a dump's <c>receipt.json</c>,
/// written last, names its run.
/// </summary>
public sealed class RunReconciler(ConnectionCredentials credentials, S3ClientFactory clients, ILogger<RunReconciler> logger)
{
    /// <summary>The receipt at the connection's prefix and its key, when it names <paramref name="runId"/>; null when it does not or cannot be read.</summary>
    public async Task<(ReceiptDocument Receipt, string Key)?> ReceiptNamingAsync(Connection connection, long runId, CancellationToken ct)
    {
        if (connection.Kind != DeliveryKind.Dump) return null;
        var key = Portal.Core.Receipts.DumpLayout.ReceiptKey(connection.Prefix);
        try
        {
            using var s3 = await clients.CreateForAsync(connection, credentials, ct);
            // Read as the bucket browser reads receipts: bounded, a missing one is "not found".
            var receipt = ReceiptDocument.Parse(await Buckets.SmallObjects.ReadTextAsync(s3, connection, key, Buckets.ReceiptReader.MaxReceiptBytes, ct));
            return receipt.RunId == runId ? (receipt, key) : null;
        }
        catch (KeyNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Cannot tell: the run counts as interrupted, and its next attempt writes the same folder again.
            logger.LogWarning(e, "Could not read {Key} to reconcile run {Run}", key, runId);
            return null;
        }
    }
}
