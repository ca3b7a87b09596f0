namespace Portal.Infrastructure.Connections;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.KeyTemplates;
using Portal.Core.Validation;
using Portal.Infrastructure.KeyTemplates;
using Portal.Infrastructure.Persistence;

/// <summary>Reads connections through the tenant filter and changes their settings.</summary>
public sealed class ConnectionService(IDbContextFactory<PortalDbContext> contexts, TimeProvider clock)
{
    /// <summary>A connection with its streams, or null when it does not exist or the caller may not see it.</summary>
    public async Task<Connection?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Connections.AsNoTracking().WithChildren().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
    }

    /// <summary>The names of every connection the caller may see, deleted (archived) ones included: runs keep naming them.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Connections.IgnoreQueryFilters([PortalDbContext.LiveFilter]).AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
    }

    /// <summary>Connections with their streams, optionally of one customer, by name.</summary>
    public async Task<IReadOnlyList<Connection>> ListAsync(Guid? customerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Connections.AsNoTracking().WithChildren();
        if (customerId is not null) query = query.Where(c => c.CustomerId == customerId);
        return await query.OrderBy(c => c.Name).ToListAsync(cancellationToken);
    }

    /// <summary>Every connection the caller may see with its customer's name, by customer and name: the lists of connections and buckets.</summary>
    public async Task<IReadOnlyList<ConnectionSummary>> SummariesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await (from c in db.Connections
                      join cu in db.Customers on c.CustomerId equals cu.Id
                      orderby cu.Name, c.Name
                      select new ConnectionSummary(c.Id, c.Name, cu.Name, c.Kind, c.Bucket, c.Prefix, c.AuthMethod, c.Schedule, c.Enabled))
            .ToListAsync(cancellationToken);
    }

    public const string TemplateProposed = "TemplateProposed";

    /// <summary>
    /// A Customer's proposal of a key template, with a note, recorded in the audit log for Customer Success to apply:
    /// nothing about the connection changes. A template with errors, or a note over 2,000 characters, is refused.
    /// </summary>
    public async Task ProposeTemplateAsync(Guid id, string? template, string? note, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.Connections.AsNoTracking().Include(c => c.Streams).FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new KeyNotFoundException($"No connection {id}.");
        var errors = new FieldErrors()
            .Require(!string.IsNullOrWhiteSpace(template), "template", "Write the template to propose.")
            .Require(note is null || note.Length <= 2_000, "note", "A note has at most 2,000 characters.");
        if (errors.IsValid)
        {
            foreach (var error in Lint(connection, template).Where(f => f.Severity == DiagnosticSeverity.Error))
                errors.Add("template", error.Message);
        }
        errors.ThrowIfInvalid();
        Audit.AuditLog.Record(db, TemplateProposed, nameof(Connection), id.ToString(), connection.CustomerId,
            System.Text.Json.JsonSerializer.Serialize(new TemplateProposal(template!, string.IsNullOrWhiteSpace(note) ? null : note.Trim())));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Saves a key template. Lint errors refuse it; warnings refuse it unless accepted. An empty
    /// template means the delivery kind's default.
    /// </summary>
    public async Task SaveTemplateAsync(Guid id, string? template, bool acceptWarnings, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.Connections.Include(c => c.Streams).FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new KeyNotFoundException($"No connection {id}.");
        var text = string.IsNullOrWhiteSpace(template) ? null : template;
        var findings = Lint(connection, text);
        var errors = new FieldErrors();
        foreach (var error in findings.Where(f => f.Severity == DiagnosticSeverity.Error))
            errors.Add("template", error.Message);
        if (errors.IsValid && !acceptWarnings && findings.Any(f => f.Severity == DiagnosticSeverity.Warning))
            errors.Add("template", "The template has warnings: accept them to save it anyway.");
        errors.ThrowIfInvalid();

        connection.Template = text;
        connection.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    // A template (the kind's default when empty) linted against the connection's prefix, format and streams.
    private static IReadOnlyList<KeyDiagnostic> Lint(Connection connection, string? template) =>
        ConnectionValidator.LintTemplate(template, connection.Kind, connection.Prefix, connection.Format, connection.Compression,
            ConnectionPreviewStreams.Of(connection).Select(s => new StreamShape(s.Name, s.Cursor is not null)).ToList());
}

/// <summary>A connection as the lists show it.</summary>
public sealed record ConnectionSummary(Guid Id, string Name, string Customer, DeliveryKind Kind, string Bucket, string Prefix, AuthMethod Auth, string? Schedule, bool Enabled);

/// <summary>A key template a Customer proposed, as the audit log holds it.</summary>
public sealed record TemplateProposal(string Template, string? Note)
{
    public static TemplateProposal? Parse(string details)
    {
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<TemplateProposal>(details);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
