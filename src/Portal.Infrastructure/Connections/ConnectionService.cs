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

    /// <summary>Connections with their streams, optionally of one customer, by customer and name.</summary>
    /// <summary>The names of every connection the caller may see, deleted (archived) ones included: runs keep naming them.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> NamesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Connections.IgnoreQueryFilters([PortalDbContext.LiveFilter]).AsNoTracking().ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
    }

    public async Task<IReadOnlyList<Connection>> ListAsync(Guid? customerId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Connections.AsNoTracking().WithChildren();
        if (customerId is not null) query = query.Where(c => c.CustomerId == customerId);
        return await query.OrderBy(c => c.Name).ToListAsync(cancellationToken);
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
        var findings = ConnectionValidator.LintTemplate(text, connection.Kind, connection.Prefix, connection.Format, connection.Compression,
            ConnectionPreviewStreams.Of(connection).Select(s => new StreamShape(s.Name, s.Cursor is not null)).ToList());
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
}
