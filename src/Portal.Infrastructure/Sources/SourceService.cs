namespace Portal.Infrastructure.Sources;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Formats;
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

    /// <summary>
    /// The tables (and views) of a source with their columns, read from its schema; null when the source is not
    /// visible. A source with more than <paramref name="maxTables"/> tables answers with the first ones by name.
    /// </summary>
    public async Task<IReadOnlyList<SourceTable>?> SchemaAsync(Guid sourceId, CancellationToken ct, int maxTables = MaxSchemaTables)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        if (source is null) return null;
        await using var reader = readers.Open(source);
        var tables = new List<SourceTable>();
        foreach (var table in (await reader.ListTablesAsync(ct)).Take(maxTables))
        {
            var columns = await reader.ColumnsAsync(table, ct);
            tables.Add(new SourceTable(table, columns.Select(c => new SourceTableColumn(c.Name, c.Kind, c.SourceType, IsOrderable(c))).ToList()));
        }
        return tables;
    }

    public const int MaxSchemaTables = 2_000;

    /// <summary>
    /// Whether a column can be a stream's cursor: its kind has an order. A SQLite column without a declared type
    /// counts as orderable here; its values decide when the connection is saved.
    /// </summary>
    public static bool IsOrderable(SourceColumn column) =>
        column.SourceType.Length == 0 || CursorMarks.UnorderableProblem(column.Name, column.Kind, column.SourceType) is null;

    public async Task<IReadOnlyList<Source>> ListAsync(Guid? customerId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Sources.AsNoTracking();
        if (customerId is not null) query = query.Where(s => s.CustomerId == customerId);
        return await query.OrderBy(s => s.Name).ToListAsync(ct);
    }
}

/// <summary>A table of a source and its columns, for the editor's pickers.</summary>
public sealed record SourceTable(string Name, IReadOnlyList<SourceTableColumn> Columns);

/// <summary>A column: its name, kind, declared type, and whether it can be a cursor.</summary>
public sealed record SourceTableColumn(string Name, ColumnKind Kind, string Declared, bool Orderable);
