namespace Portal.Infrastructure.Sources;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Core.Validation;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;

/// <summary>A customer's source databases; the connection string is encrypted and never given back.</summary>
public sealed class SourceService(IDbContextFactory<PortalDbContext> contexts, ISecretProtector secrets, SourceReaderFactory readers)
{
    public async Task<Source> CreateAsync(Guid? customerId, string? name, string? kind, string? connectionString, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var errors = new FieldErrors()
            .Require(!string.IsNullOrWhiteSpace(name) && name.Trim().Length <= 200, "name", "Name the source (1 to 200 characters).")
            .Require(Names.InvisibleProblem(name, "A source name") is null, "name", Names.InvisibleProblem(name, "A source name") ?? "")
            .Require(kind is "sqlite" or "postgres", "kind", "Choose the kind of source: sqlite or postgres.")
            .Require(!string.IsNullOrWhiteSpace(connectionString) && connectionString.Length <= 4000, "connectionString", "Enter the connection string (for SQLite: Data Source=<file>).");
        if (customerId is null || !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
            errors.Add("customerId", "Choose an existing customer.");
        else if (name is not null && await db.Sources.AnyAsync(s => s.CustomerId == customerId && s.Name == name.Trim(), ct))
            errors.Add("name", $"This customer already has a source named '{name.Trim()}'.");
        if (errors.IsValid && kind == "sqlite")
        {
            try
            {
                readers.CheckedSqlitePath(connectionString!);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or ArgumentException)
            {
                errors.Add("connectionString", e.Message);
            }
        }
        errors.ThrowIfInvalid();

        var source = new Source
        {
            CustomerId = customerId!.Value,
            Name = name!.Trim(),
            Kind = kind == "postgres" ? SourceKind.Postgres : SourceKind.Sqlite,
            ConnectionStringCipher = secrets.Protect(SecretKind.SourceConnectionString, connectionString!),
            ConnectionStringHint = SecretMask.ConnectionStringHint(connectionString!),
        };
        db.Sources.Add(source);
        await db.SaveChangesAsync(ct);
        return source;
    }

    /// <summary>The tables (and views) of a source, read from its schema; null when the source is not visible.</summary>
    public async Task<IReadOnlyList<string>?> TablesAsync(Guid sourceId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        if (source is null) return null;
        await using var reader = readers.Open(source);
        return await reader.ListTablesAsync(ct);
    }

    public async Task<IReadOnlyList<Source>> ListAsync(Guid? customerId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Sources.AsNoTracking();
        if (customerId is not null) query = query.Where(s => s.CustomerId == customerId);
        return await query.OrderBy(s => s.Name).ToListAsync(ct);
    }
}
