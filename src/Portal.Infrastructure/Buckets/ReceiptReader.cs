namespace Portal.Infrastructure.Buckets;

using Amazon.S3;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Buckets;
using Portal.Core.Connections;
using Portal.Core.Receipts;
using Portal.Core.Runs;
using Portal.Infrastructure.Persistence;

/// <summary>
/// Reads <c>receipt.json</c> from a folder of a connection's bucket (its prefix by default). The run is the
/// receipt's <c>run_id</c> when the portal has that run for the connection; for receipts without one, the
/// connection's last successful run that had started by the receipt's time.
/// </summary>
public sealed class ReceiptReader(BucketClients clients, IDbContextFactory<PortalDbContext> contexts)
{
    public const string FileName = Portal.Core.Receipts.DumpLayout.ReceiptName;
    internal const long MaxReceiptBytes = 64L * 1024 * 1024;

    public async Task<FoundReceipt> ReadAsync(Connection connection, string? folder, CancellationToken cancellationToken)
    {
        using var s3 = await clients.CreateAsync(connection, cancellationToken);
        var (key, at, document) = await ReadDocumentAsync(s3, connection, folder, cancellationToken);
        return new FoundReceipt(key, at, document, await RunOfAsync(connection, document, cancellationToken));
    }

    /// <summary>The receipt of a folder as written, with a client the caller has (no lookup of its run).</summary>
    internal static async Task<(string Key, string Folder, ReceiptDocument Document)> ReadDocumentAsync(
        IAmazonS3 s3, Connection connection, string? folder, CancellationToken cancellationToken)
    {
        var at = BucketPaths.Folder(connection.Prefix, folder) ?? throw BucketBrowser.Outside(folder);
        var key = at + FileName;
        var text = await SmallObjects.ReadTextAsync(s3, connection, key, MaxReceiptBytes, cancellationToken);
        ReceiptDocument document;
        try
        {
            document = ReceiptDocument.Parse(text);
        }
        catch (FormatException e)
        {
            throw new BucketException($"{key} cannot be read as a receipt: {e.Message}", e);
        }
        return (key, at, document);
    }

    private async Task<long?> RunOfAsync(Connection connection, ReceiptDocument receipt, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var runs = db.Runs.AsNoTracking().Where(r => r.ConnectionId == connection.Id);
        if (receipt.RunId is { } id) return await runs.AnyAsync(r => r.Id == id, ct) ? id : null;
        if (!DateTimeOffset.TryParse(receipt.Timestamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
            return null;
        var candidates = await runs.Where(r => r.Status == RunStatus.Succeeded).OrderByDescending(r => r.Id).Take(50)
            .Select(r => new { r.Id, r.StartedAt }).ToListAsync(ct);
        return candidates.FirstOrDefault(r => r.StartedAt is { } s && s <= time.AddMinutes(1))?.Id;
    }
}
