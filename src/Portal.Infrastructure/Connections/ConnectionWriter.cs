namespace Portal.Infrastructure.Connections;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Connections;
using Portal.Core.KeyTemplates;
using Portal.Core.Secrets;
using Portal.Core.Validation;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;
using Portal.Infrastructure.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

/// <summary>
/// Creates, changes and deletes connections. Everything is validated before anything is written, and
/// written in one SaveChanges: a connection is never half-saved. The ExternalId is generated here and
/// nowhere else; secrets are encrypted before they reach the entity.
/// </summary>
public sealed class ConnectionWriter(
    IDbContextFactory<PortalDbContext> contexts, ISecretProtector secrets, Jobs.ConnectionScheduler scheduler, Artifacts.ArtifactFolders folders,
    Sources.SourceReaderFactory sources, IOptions<Runs.RunRecoveryOptions> runOptions, IOptions<S3.AwsOptions> aws, ILogger<ConnectionWriter> logger, TimeProvider clock)
{
    public async Task<Connection> CreateAsync(ConnectionInput input, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var errors = ConnectionValidator.Validate(input, null, isAdmin, runOptions.Value.MinimumInterval);
        CheckFolders(input, errors);
        await CheckReferencesAsync(db, input, input.CustomerId, null, errors, cancellationToken);
        var kinds = await CheckCursorsAsync(db, input, errors, cancellationToken);
        errors.ThrowIfInvalid();

        var connection = new Connection
        {
            CustomerId = input.CustomerId!.Value,
            Name = Names.Normalise(input.Name),
            Bucket = input.Bucket!,
            Region = input.Region!,
            ExternalId = ExternalIds.Create(),
        };
        Apply(connection, input, kinds);
        db.Connections.Add(connection);
        await db.SaveChangesAsync(cancellationToken);
        await scheduler.SyncAsync(connection, cancellationToken);
        return connection;
    }

    public async Task<Connection> UpdateAsync(Guid id, ConnectionInput input, bool isAdmin, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.Connections.WithChildren().FirstOrDefaultAsync(c => c.Id == id, cancellationToken) ?? throw new KeyNotFoundException($"No connection {id}.");
        var errors = ConnectionValidator.Validate(input, connection, isAdmin, runOptions.Value.MinimumInterval);
        CheckFolders(input, errors);
        if (input.CustomerId is { } moved && moved != connection.CustomerId)
            errors.Add("customerId", "A connection stays with its customer; create a new one for another customer.");
        await CheckReferencesAsync(db, input, connection.CustomerId, connection.Id, errors, cancellationToken);
        var kinds = await CheckCursorsAsync(db, input, errors, cancellationToken);
        errors.ThrowIfInvalid();

        var wasEnabled = connection.Enabled;
        connection.Name = Names.Normalise(input.Name);
        connection.Bucket = input.Bucket!;
        connection.Region = input.Region!;
        Apply(connection, input, kinds);
        connection.UpdatedAt = clock.GetUtcNow();
        PauseChanged(db, connection, wasEnabled);
        await db.SaveChangesAsync(cancellationToken);
        // Saving a connection reschedules it; disabling pauses it without deleting.
        await scheduler.SyncAsync(connection, cancellationToken);
        return connection;
    }

    public async Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.Connections.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null) return false;
        // Archived, not removed: its runs, their logs and the audit trail stay readable under its name.
        var now = clock.GetUtcNow();
        connection.ArchivedAt = connection.UpdatedAt = now;
        connection.Enabled = false;
        // Its queued runs never start (their triggers go with its job); running ones are asked to stop where they run.
        await db.Runs.Where(r => r.ConnectionId == id && r.Status == Core.Runs.RunStatus.Queued)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, Core.Runs.RunStatus.Cancelled).SetProperty(r => r.FinishedAt, now)
                .SetProperty(r => r.CancelRequestedAt, now).SetProperty(r => r.Error, "Cancelled: the connection was deleted before the run started."), cancellationToken);
        await db.Runs.Where(r => r.ConnectionId == id && r.Status == Core.Runs.RunStatus.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.CancelRequestedAt, now), cancellationToken);
        Audit.AuditLog.Record(db, "ConnectionDeleted", nameof(Connection), id.ToString(), connection.CustomerId, $"{connection.Name} (archived with its run history)");
        await db.SaveChangesAsync(cancellationToken);
        await scheduler.DeleteAsync(id, cancellationToken);
        return true;
    }

    /// <summary>Pauses (or resumes) a connection's schedule without deleting anything; false when there is no such connection.</summary>
    public async Task<bool> SetEnabledAsync(Guid id, bool enabled, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.Connections.Include(c => c.Schedules).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (connection is null) return false;
        var wasEnabled = connection.Enabled;
        connection.Enabled = enabled;
        connection.UpdatedAt = clock.GetUtcNow();
        PauseChanged(db, connection, wasEnabled);
        Audit.AuditLog.Record(db, enabled ? "ConnectionResumed" : "ConnectionPaused", nameof(Connection), id.ToString(), connection.CustomerId);
        await db.SaveChangesAsync(cancellationToken);
        await scheduler.SyncAsync(connection, cancellationToken);
        return true;
    }

    // Pausing says who paused and queues connection.paused with the change; resuming clears the reason and the failure streak.
    private void PauseChanged(PortalDbContext db, Connection connection, bool wasEnabled)
    {
        if (wasEnabled == connection.Enabled) return;
        var now = clock.GetUtcNow();
        if (connection.Enabled)
        {
            (connection.PausedReason, connection.PausedAt, connection.ConsecutiveFailures) = (null, null, 0);
            return;
        }
        (connection.PausedReason, connection.PausedAt) = ($"Paused by {db.Actor.Name}.", now);
        Notifications.Outbox.Paused(db, connection, now, connection.PausedReason);
    }

    /// <summary>Stores what a connection test proved about the role's ExternalId condition, for the role and ExternalId it had.</summary>
    public async Task RecordExternalIdCheckAsync(Connection tested, IReadOnlyList<S3.TestStep> steps, CancellationToken cancellationToken)
    {
        if (tested.AuthMethod != AuthMethod.AssumeRole || steps.FirstOrDefault(s => s.Name == S3.ConnectionTester.ExternalIdStep) is not { } step) return;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Connections.Where(c => c.Id == tested.Id).ExecuteUpdateAsync(u => u
            .SetProperty(c => c.ExternalIdCheckedAt, clock.GetUtcNow())
            .SetProperty(c => c.ExternalIdCheckedFor, S3.ExternalIdGuard.Fingerprint(tested))
            .SetProperty(c => c.ExternalIdProblem, step.Status == S3.TestStep.Pass ? null : step.Message), cancellationToken);
    }

    /// <summary>A new ExternalId: the old one stops working, so the customer's trust policy must change too.</summary>
    public async Task<string> RegenerateExternalIdAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var connection = await db.Connections.FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
            ?? throw new KeyNotFoundException($"No connection {id}.");
        connection.ExternalId = ExternalIds.Create();
        connection.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return connection.ExternalId;
    }

    private async Task CheckReferencesAsync(PortalDbContext db, ConnectionInput input, Guid? customerId, Guid? self, FieldErrors errors, CancellationToken ct)
    {
        // A role in the portal's own account could open the portal's own buckets to a customer.
        if (input.Auth?.Method == nameof(AuthMethod.AssumeRole) && aws.Value.OwnAccount is { } own && !aws.Value.AllowOwnAccountRoles
            && input.Auth.RoleArn?.Split(':') is { Length: > 4 } arn && arn[4] == own)
            errors.Add("auth.roleArn", $"The role is in the portal's own AWS account ({own}): use a role in the customer's account (Portal:Aws:AllowOwnAccountRoles allows it).");
        if (customerId is null || !await db.Customers.AnyAsync(c => c.Id == customerId, ct))
        {
            errors.Add("customerId", "Choose an existing customer.");
            return;
        }
        if (input.SourceId is { } sourceId && !await db.Sources.AnyAsync(s => s.Id == sourceId && s.CustomerId == customerId, ct))
            errors.Add("sourceId", "Choose a source of the same customer.");
        var name = input.Name is null ? null : Names.Normalise(input.Name);
        if (name is not null)
        {
            var taken = await db.Connections.IgnoreQueryFilters().Where(c => c.CustomerId == customerId && c.Id != self && c.ArchivedAt == null).Select(c => c.Name).ToListAsync(ct);
            if (taken.Any(t => Names.Same(t, name))) errors.Add("name", $"This customer already has a connection named '{name}'.");
        }
    }

    // Command folders are facts of the worker host: they must exist under the artifacts root.
    private void CheckFolders(ConnectionInput input, FieldErrors errors)
    {
        if (input.Kind != nameof(DeliveryKind.ArtifactSync)) return;
        var schedules = input.Schedules ?? [];
        for (var i = 0; i < schedules.Count; i++)
        {
            var commands = schedules[i]?.Commands ?? [];
            for (var j = 0; j < commands.Count; j++)
            {
                if (commands[j]?.Folder is { Length: > 0 } folder && folders.Problem(folder) is { } problem)
                    errors.Add($"schedules[{i}].commands[{j}].folder", problem);
            }
        }
    }

    /// <summary>
    /// Each cursor column is looked up in the source: one that is missing, cannot be ordered or mixes kinds is
    /// refused with a message naming it, and a start value must be of its kind. Returns the kinds read; a source that
    /// cannot be reached now leaves them to the first run (saving is not held up by a database that is down).
    /// </summary>
    private async Task<Dictionary<string, Core.Sources.CursorKind?>> CheckCursorsAsync(PortalDbContext db, ConnectionInput input, FieldErrors errors, CancellationToken ct)
    {
        var kinds = new Dictionary<string, Core.Sources.CursorKind?>(StringComparer.Ordinal);
        var streams = input.Streams ?? [];
        if (input.Kind != nameof(DeliveryKind.StreamExport) || input.SourceId is not { } sourceId || streams.All(s => s?.CursorColumn is null)) return kinds;
        var source = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sourceId, ct);
        if (source is null) return kinds;
        ISourceReader reader;
        try
        {
            reader = sources.Open(source);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not open source {Source} to read cursor columns; their kinds are read at the first run", sourceId);
            return kinds;
        }
        await using (reader)
        {
            for (var i = 0; i < streams.Count; i++)
            {
                if (streams[i] is not { Name: { } name, Table: { } table, CursorColumn: { } column }) continue;
                try
                {
                    var cursor = await reader.CursorAsync(table, column.Trim(), ct);
                    kinds[name] = cursor?.Kind;
                    if (cursor is not null && streams[i].CursorStart is { } start && Core.Sources.CursorMarks.MarkProblem(cursor.Kind, start) is { } problem)
                        errors.Add($"streams[{i}].cursorStart", problem);
                }
                catch (CursorColumnException e)
                {
                    errors.Add($"streams[{i}].cursorColumn", e.Message);
                }
                catch (InvalidOperationException e) when (e.Message.StartsWith("The source has no table", StringComparison.Ordinal))
                {
                    errors.Add($"streams[{i}].table", e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Could not read cursor column {Column} of {Table}; its kind is read at the first run", column, table);
                }
            }
        }
        return kinds;
    }

    private void Apply(Connection c, ConnectionInput input, IReadOnlyDictionary<string, Core.Sources.CursorKind?> kinds)
    {
        c.Kind = Enum.Parse<DeliveryKind>(input.Kind!);
        c.Prefix = PathPrefix.Normalise(input.Prefix is null ? null : Names.Normalise(input.Prefix));
        c.Endpoint = ConnectionValidator.Empty(input.Endpoint);
        c.StsEndpoint = ConnectionValidator.Empty(input.StsEndpoint);
        c.KmsKeyArn = ConnectionValidator.Empty(input.KmsKeyArn);
        c.ChecksumMode = input.ChecksumMode is { } mode ? Enum.Parse<ChecksumPolicy>(mode)
            : c.Endpoint is null ? ChecksumPolicy.WhenSupported : ChecksumPolicy.WhenRequired;
        ApplyAuth(c, input.Auth!);
        c.SourceId = input.SourceId;
        c.Template = string.IsNullOrWhiteSpace(input.Template) ? null : input.Template;
        c.Format = input.Format ?? "ndjson";
        c.Compression = input.Compression ?? "gzip";
        c.CompressionLevel = input.CompressionLevel ?? Portal.Core.Formats.FileFormats.Optimal;
        c.MaxPartBytes = input.MaxPartBytes ?? 128L * 1024 * 1024;
        c.Schedule = ConnectionValidator.Empty(input.Schedule);
        // Left out of a PUT, the state stays as it is (a paused connection is not resumed by an edit).
        c.Enabled = input.Enabled ?? c.Enabled;
        c.Retries = input.Retries ?? 1;
        c.Manifests = input.Manifests;
        c.OnSchemaChange = input.OnSchemaChange is { } policy ? Enum.Parse<SchemaChangePolicy>(policy) : SchemaChangePolicy.CarryOn;
        ApplyStreams(c, input.Streams ?? [], kinds);
        ApplySchedules(c, input.Schedules ?? []);
    }

    private static void ApplySchedules(Connection c, IReadOnlyList<ScheduleInput> schedules)
    {
        c.Schedules.Clear();
        c.Schedules.AddRange(schedules.Select((s, i) => new ArtifactSchedule
        {
            Name = s.Name!,
            Cron = s.Cron!.Trim(),
            Position = i,
            Commands = (s.Commands ?? []).Select((x, j) => new ArtifactCommand { CommandId = x.Id!.Value, Command = x.Command!.Trim(), Folder = x.Folder!.Trim(), Position = j }).ToList(),
        }));
    }

    private void ApplyAuth(Connection c, AuthInput auth)
    {
        c.AuthMethod = Enum.Parse<AuthMethod>(auth.Method!);
        if (c.AuthMethod == AuthMethod.AssumeRole)
        {
            c.RoleArn = auth.RoleArn;
            c.AccessKeyId = null;
            c.SecretAccessKeyCipher = null;
            c.SecretAccessKeyHint = null;
            return;
        }
        c.RoleArn = null;
        c.AccessKeyId = auth.AccessKeyId;
        if (auth.SecretAccessKey is { } secret)
        {
            c.SecretAccessKeyCipher = secrets.Protect(SecretKind.AccessKeySecret, secret);
            c.SecretAccessKeyHint = SecretMask.HintOf(secret);
        }
    }

    // Streams keep their id (and cursor mark) when their name stays: renaming a table must not re-export it.
    private static void ApplyStreams(Connection c, IReadOnlyList<StreamInput> streams, IReadOnlyDictionary<string, Core.Sources.CursorKind?> kinds)
    {
        var byName = c.Streams.ToDictionary(s => s.Name, StringComparer.Ordinal);
        for (var i = 0; i < streams.Count; i++)
        {
            var input = streams[i];
            if (!byName.Remove(input.Name!, out var stream))
            {
                stream = new ConnectionStream { Name = input.Name!, Table = input.Table! };
                c.Streams.Add(stream);
            }
            var column = ConnectionValidator.Empty(input.CursorColumn);
            // A new cursor column, or a new start, starts the stream over from that start.
            var start = ConnectionValidator.Empty(input.CursorStart);
            if (stream.CursorColumn != column) (stream.CursorValue, stream.CursorKind) = (null, null);
            else if (stream.CursorStart != start) stream.CursorValue = null;
            stream.Table = input.Table!;
            stream.CursorColumn = column;
            if (column is not null && kinds.TryGetValue(stream.Name, out var kind) && kind is not null) stream.CursorKind = kind;
            stream.CursorStart = ConnectionValidator.Empty(input.CursorStart);
            stream.Position = i;
        }
        foreach (var removed in byName.Values) c.Streams.Remove(removed);
    }
}
