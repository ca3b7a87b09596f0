namespace Portal.Infrastructure.Persistence;

using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Portal.Core;
using Portal.Core.Access;
using Portal.Core.Audit;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Sources;

/// <summary>
/// Writes an audit entry for every change to configuration entities in the same SaveChanges, so
/// no code path can change a connection without leaving a trace. Field names only, never values:
/// a value may be a secret.
/// </summary>
internal static class AuditTrail
{
    private static readonly HashSet<Type> Audited =
        [typeof(Customer), typeof(Source), typeof(Connection), typeof(ConnectionStream), typeof(ArtifactSchedule), typeof(ArtifactCommand), typeof(ApiToken),
        typeof(Core.Notifications.NotificationChannel), typeof(Core.Notifications.NotificationRule)];

    // Moved by runs, not by people: auditing them would bury the changes people make.
    private static readonly HashSet<string> Ignored = ["UpdatedAt", "LastUsedAt", "CursorValue", "SchemaJson", "SchemaKey"];

    public static void Record(PortalDbContext db)
    {
        var entries = db.ChangeTracker.Entries()
            .Where(e => Audited.Contains(e.Entity.GetType())
                && e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .ToList();
        foreach (var entry in entries)
        {
            var fields = ChangedFields(entry);
            if (entry.State == EntityState.Modified && fields.Count == 0) continue;
            db.AuditEntries.Add(new AuditEntry
            {
                UserId = db.Actor.UserId,
                Actor = db.Actor.Name,
                Action = entry.State switch
                {
                    EntityState.Added => "Created",
                    EntityState.Deleted => "Deleted",
                    _ => "Updated",
                },
                EntityType = entry.Entity.GetType().Name,
                EntityId = KeyOf(entry),
                CustomerId = CustomerOf(entry.Entity),
                Details = string.Join(", ", fields),
            });
        }
    }

    private static List<string> ChangedFields(EntityEntry entry) =>
        entry.Properties
            .Where(p => !p.Metadata.IsPrimaryKey() && !Ignored.Contains(p.Metadata.Name))
            .Where(p => entry.State switch
            {
                EntityState.Added => p.CurrentValue is not null,
                EntityState.Modified => p.IsModified && !Equals(p.OriginalValue, p.CurrentValue),
                _ => false,
            })
            .Select(p => DisplayName(p.Metadata.Name))
            .ToList();

    // "SecretAccessKeyCipher" is reported as "SecretAccessKey": the reader cares that it changed.
    private static string DisplayName(string property) =>
        property.EndsWith("Cipher", StringComparison.Ordinal) ? property[..^"Cipher".Length] : property;

    private static string KeyOf(EntityEntry entry) =>
        string.Join("/", entry.Metadata.FindPrimaryKey()!.Properties.Select(p => entry.Property(p.Name).CurrentValue));

    private static Guid? CustomerOf(object entity) => entity switch
    {
        Customer c => c.Id,
        ICustomerOwned owned => owned.CustomerId,
        Core.Notifications.NotificationChannel channel => channel.CustomerId,
        Core.Notifications.NotificationRule rule => rule.CustomerId,
        _ => null,
    };
}
