namespace Portal.Infrastructure.Audit;

using Portal.Core.Audit;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Persistence;

/// <summary>Records named actions (sign-in, role change, token revoked) that are not plain entity edits.</summary>
public static class AuditLog
{
    public static void Record(PortalDbContext db, string action, string entityType, string entityId, Guid? customerId = null, string details = "")
    {
        ICurrentActor actor = db.Actor;
        db.AuditEntries.Add(new AuditEntry
        {
            UserId = actor.UserId,
            Actor = actor.Name,
            Action = action,
            EntityType = entityType,
            EntityId = entityId,
            CustomerId = customerId,
            Details = details,
        });
    }
}
