namespace Portal.Infrastructure.ApiTokens;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Access;
using Portal.Core.Validation;
using Portal.Infrastructure.Audit;
using Portal.Infrastructure.Persistence;

/// <summary>Creates, lists and revokes a user's API tokens. The token itself is shown once and never stored.</summary>
public sealed class ApiTokenService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    public const int MaxNameLength = 100;

    public async Task<(ApiToken Token, string Secret)> CreateAsync(string userId, string? name, int? expiresInDays, CancellationToken cancellationToken)
    {
        var trimmed = name?.Trim() ?? "";
        new FieldErrors()
            .Require(trimmed.Length is > 0 and <= MaxNameLength, "name", $"Name the token (1 to {MaxNameLength} characters) so you can tell it apart later.")
            .Require(expiresInDays is null or (> 0 and <= 3650), "expiresInDays", "A token expires after 1 to 3650 days, or never.")
            .ThrowIfInvalid();
        var secret = ApiTokenSecret.Create();
        var now = clock.GetUtcNow();
        var token = new ApiToken
        {
            UserId = userId,
            Name = trimmed,
            TokenHash = ApiTokenSecret.Hash(secret),
            DisplayPrefix = ApiTokenSecret.DisplayPrefix(secret),
            CreatedAt = now,
            ExpiresAt = expiresInDays is { } days ? now.AddDays(days) : null,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ApiTokens.Add(token);
        AuditLog.Record(db, "TokenCreated", nameof(ApiToken), token.Id.ToString(), details: $"{trimmed} for user {userId}");
        await db.SaveChangesAsync(cancellationToken);
        return (token, secret);
    }

    /// <summary>The tokens of one user, or of everyone when <paramref name="userId"/> is null (admins).</summary>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(string? userId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.ApiTokens.AsNoTracking();
        if (userId is not null) query = query.Where(t => t.UserId == userId);
        var list = await query.ToListAsync(cancellationToken);
        return list.OrderByDescending(t => t.CreatedAt).ToList();
    }

    /// <summary>Revokes a token of <paramref name="ownerId"/> (any user's when null). False when there is no such token.</summary>
    public async Task<bool> RevokeAsync(Guid tokenId, string? ownerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId && (ownerId == null || t.UserId == ownerId), cancellationToken);
        if (token is null) return false;
        if (token.RevokedAt is null)
        {
            token.RevokedAt = clock.GetUtcNow();
            AuditLog.Record(db, "TokenRevoked", nameof(ApiToken), token.Id.ToString(), details: token.Name);
            await db.SaveChangesAsync(cancellationToken);
        }
        return true;
    }
}
