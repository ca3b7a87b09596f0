namespace Portal.Infrastructure.Buckets;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.Persistence;

/// <summary>
/// Download links as users get them: a presigned link from <see cref="BucketBrowser"/>, written to the
/// audit log with who asked for which object (a link hands the object to whoever holds it for 15 minutes).
/// </summary>
public sealed class ObjectDownloads(BucketBrowser browser, IDbContextFactory<PortalDbContext> contexts)
{
    public async Task<PresignedLink> LinkAsync(Connection connection, string key, CancellationToken cancellationToken)
    {
        var link = await browser.PresignAsync(connection, key, cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        AuditLog.Record(db, "DownloadLinkCreated", nameof(Connection), connection.Id.ToString(), connection.CustomerId,
            $"{key} (valid until {link.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)");
        await db.SaveChangesAsync(cancellationToken);
        return link;
    }
}
