namespace Portal.Infrastructure.Connections;

using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.KeyTemplates;
using Portal.Core.Validation;
using Portal.Infrastructure.Scheduling;

/// <summary>
/// Checks a whole connection at once and reports every field that is wrong, so a form shows all its
/// problems together. Database facts (customer, source, unique name) are passed in.
/// </summary>
public static class ConnectionValidator
{
    public const long MinPartBytes = 1024;
    public const long MaxPartBytes = 5L * 1024 * 1024 * 1024 * 1024; // S3's largest object

    /// <param name="input">What the client sent.</param>
    /// <param name="existing">The connection being changed, or null for a new one.</param>
    /// <param name="isAdmin">Only admins set custom endpoints.</param>
    /// <param name="minimumInterval">Schedules that fire more often are refused (<c>Portal:Runs:MinimumInterval</c>, 5 minutes by default).</param>
    public static FieldErrors Validate(ConnectionInput input, Connection? existing, bool isAdmin, TimeSpan? minimumInterval = null)
    {
        var interval = minimumInterval ?? DefaultMinimumInterval;
        var e = new FieldErrors();
        e.Require(!string.IsNullOrWhiteSpace(input.Name) && input.Name.Trim().Length <= 200, "name", "Name the connection (1 to 200 characters).");
        Check(e, "name", Names.InvisibleProblem(input.Name, "A connection name"));
        var kind = ParseKind(input.Kind, e);
        Check(e, "bucket", ConnectionRules.BucketProblem(input.Bucket));
        var endpoint = Empty(input.Endpoint);
        var stsEndpoint = Empty(input.StsEndpoint);
        Check(e, "region", ConnectionRules.RegionProblem(input.Region, endpoint is not null));
        Check(e, "prefix", ConnectionRules.PrefixProblem(input.Prefix));
        Check(e, "endpoint", ConnectionRules.EndpointProblem(endpoint));
        Check(e, "stsEndpoint", ConnectionRules.EndpointProblem(stsEndpoint));
        if (!isAdmin && endpoint != existing?.Endpoint)
            e.Add("endpoint", "Only an administrator can set a custom S3 endpoint.");
        if (!isAdmin && stsEndpoint != existing?.StsEndpoint)
            e.Add("stsEndpoint", "Only an administrator can set a custom STS endpoint.");
        Check(e, "kmsKeyArn", ConnectionRules.KmsKeyProblem(Empty(input.KmsKeyArn)));
        if (input.ChecksumMode is not null && !Enum.GetNames<ChecksumPolicy>().Contains(input.ChecksumMode, StringComparer.Ordinal))
            e.Add("checksumMode", "Choose WhenSupported (AWS) or WhenRequired (S3-compatible stores that reject the SDK's default checksums).");
        if (input.OnSchemaChange is not null && !Enum.GetNames<SchemaChangePolicy>().Contains(input.OnSchemaChange, StringComparer.Ordinal))
            e.Add("onSchemaChange", "Choose CarryOn (deliver with the new columns and say so) or Fail (a removed or retyped column fails the run before anything is written).");
        ValidateAuth(input.Auth, existing, endpoint is not null, e);

        var format = input.Format ?? FileFormats.Ndjson;
        var compression = input.Compression ?? FileFormats.Gzip;
        foreach (var (field, messages) in FileFormats.Check(format, compression).ToDictionary().Concat(FileFormats.CheckLevel(input.CompressionLevel).ToDictionary()))
            foreach (var m in messages) e.Add(field, m);
        if (input.MaxPartBytes is { } max && max is < MinPartBytes or > MaxPartBytes)
            e.Add("maxPartBytes", $"A part is {MinPartBytes:N0} bytes to 5 TiB (S3's largest object).");
        if (!string.IsNullOrWhiteSpace(input.Schedule)) CheckCron(e, "schedule", input.Schedule, interval);
        if (input.Retries is { } retries && retries is < 0 or > 10)
            e.Add("retries", "Retry a failed run 0 to 10 times.");

        ValidateStreams(input.Streams ?? [], kind, e);
        ValidateSchedules(input.Schedules ?? [], kind, interval, e);
        if (kind is DeliveryKind.ArtifactSync && input.SourceId is not null)
            e.Add("sourceId", "An artifact sync reads dbt's target/ folders, not a source database: leave the source empty.");
        if (kind is DeliveryKind.Dump or DeliveryKind.StreamExport && e.IsValid)
            ValidateTemplate(input, kind.Value, format, compression, e);
        return e;
    }

    private static DeliveryKind? ParseKind(string? kind, FieldErrors e)
    {
        if (kind is not null && Enum.TryParse<DeliveryKind>(kind, ignoreCase: false, out var parsed) && Enum.IsDefined(parsed)) return parsed;
        e.Add("kind", "Choose what the connection delivers: Dump, StreamExport or ArtifactSync.");
        return null;
    }

    private static void ValidateAuth(AuthInput? auth, Connection? existing, bool customEndpoint, FieldErrors e)
    {
        if (auth is null)
        {
            e.Add("auth", "Choose how the portal reaches the bucket: AssumeRole (preferred) or AccessKey.");
            return;
        }
        switch (auth.Method)
        {
            case nameof(AuthMethod.AssumeRole):
                Check(e, "auth.roleArn", ConnectionRules.RoleArnProblem(auth.RoleArn, customEndpoint));
                break;
            case nameof(AuthMethod.AccessKey):
                Check(e, "auth.accessKeyId", ConnectionRules.AccessKeyIdProblem(auth.AccessKeyId));
                // Write-only: an update may leave the secret out to keep the saved one.
                var hasSaved = existing is { AuthMethod: AuthMethod.AccessKey, SecretAccessKeyCipher: not null };
                if (auth.SecretAccessKey is not null || !hasSaved)
                    Check(e, "auth.secretAccessKey", ConnectionRules.SecretProblem(auth.SecretAccessKey));
                break;
            default:
                e.Add("auth.method", "Choose AssumeRole (preferred) or AccessKey.");
                break;
        }
    }

    private static void ValidateStreams(IReadOnlyList<StreamInput> streams, DeliveryKind? kind, FieldErrors e)
    {
        if (kind == DeliveryKind.ArtifactSync && streams.Count > 0)
        {
            e.Add("streams", "An artifact sync has schedules of dbt commands, not streams.");
            return;
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < streams.Count; i++)
        {
            var s = streams[i];
            if (s is null)
            {
                e.Add($"streams[{i}]", "A stream cannot be null.");
                continue;
            }
            Check(e, $"streams[{i}].name", ConnectionRules.SafeNameProblem(s.Name, "stream"));
            if (s.Name is not null && !names.Add(s.Name)) e.Add($"streams[{i}].name", $"Two streams are named '{s.Name}'.");
            e.Require(!string.IsNullOrWhiteSpace(s.Table) && s.Table.Length <= 200, $"streams[{i}].table", "Enter the source table (1 to 200 characters).");
            e.Require(s.CursorColumn is null || (s.CursorColumn.Trim().Length is > 0 and <= 200), $"streams[{i}].cursorColumn", "A cursor column name has 1 to 200 characters, or none.");
            e.Require(s.CursorStart is null || s.CursorStart.Length <= 64, $"streams[{i}].cursorStart", "A cursor start value has at most 64 characters.");
            e.Require(s.CursorStart is null || s.CursorColumn is not null, $"streams[{i}].cursorStart", "A cursor start needs a cursor column.");
        }
    }

    private static void ValidateSchedules(IReadOnlyList<ScheduleInput> schedules, DeliveryKind? kind, TimeSpan interval, FieldErrors e)
    {
        if (kind != DeliveryKind.ArtifactSync)
        {
            if (schedules.Count > 0) e.Add("schedules", "Only an artifact sync has schedules of dbt commands; use 'schedule' for the delivery's cron.");
            return;
        }
        if (schedules.Count == 0) e.Add("schedules", "An artifact sync needs at least one schedule of dbt commands.");
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schedules.Count; i++)
        {
            var s = schedules[i];
            var at = $"schedules[{i}]";
            if (s is null) { e.Add(at, "A schedule cannot be null."); continue; }
            Check(e, $"{at}.name", ConnectionRules.SafeNameProblem(s.Name, "schedule"));
            if (s.Name is not null && !names.Add(s.Name)) e.Add($"{at}.name", $"Two schedules are named '{s.Name}'.");
            CheckCron(e, $"{at}.cron", s.Cron, interval);
            var commands = s.Commands ?? [];
            if (commands.Count == 0) e.Add($"{at}.commands", "A schedule needs at least one dbt command.");
            var ids = new HashSet<long>();
            for (var j = 0; j < commands.Count; j++)
            {
                var c = commands[j];
                var cat = $"{at}.commands[{j}]";
                if (c is null) { e.Add(cat, "A command cannot be null."); continue; }
                if (c.Id is not { } id || id <= 0) e.Add($"{cat}.id", "Give the command a positive numeric id (it names its folder, e.g. 47532_dbt_run).");
                else if (!ids.Add(id)) e.Add($"{cat}.id", $"Two commands of this schedule have the id {id}.");
                e.Require(!string.IsNullOrWhiteSpace(c.Command) && c.Command.Trim().Length <= 200, $"{cat}.command", "Enter the dbt command, e.g. dbt run (at most 200 characters).");
                e.Require(!string.IsNullOrWhiteSpace(c.Folder), $"{cat}.folder", "Enter the folder where this command's target/ is produced.");
            }
        }
    }

    private static void ValidateTemplate(ConnectionInput input, DeliveryKind kind, string format, string compression, FieldErrors e)
    {
        var streams = (input.Streams ?? []).Select(s => new StreamShape(s.Name!, s.CursorColumn is not null)).ToList();
        if (kind == DeliveryKind.Dump && !string.IsNullOrWhiteSpace(input.Template) && !KeyTemplate.Parse(input.Template).Uses.Contains(MacroKind.DumpTime))
            e.Add("template", "A dump's template needs {dump_time}: it names the folder of each dump, so one dump never overwrites another.");
        foreach (var error in LintTemplate(input.Template, kind, input.Prefix, format, compression, streams).Where(f => f.Severity == DiagnosticSeverity.Error))
            e.Add("template", error.Message);
    }

    /// <summary>A connection's key template (its kind's default when empty) linted against its prefix, format and streams.</summary>
    internal static IReadOnlyList<KeyDiagnostic> LintTemplate(
        string? template, DeliveryKind kind, string? prefix, string format, string compression, IReadOnlyList<StreamShape> streams) =>
        KeyTemplateLinter.Lint(KeyTemplate.Parse(string.IsNullOrWhiteSpace(template) ? DefaultTemplates.For(kind) : template),
            new LintContext(prefix, FileFormats.Extension(format, compression), streams));

    public static readonly TimeSpan DefaultMinimumInterval = TimeSpan.FromMinutes(5);

    // A schedule that parses and leaves at least the minimum interval between two runs.
    private static void CheckCron(FieldErrors e, string field, string? cron, TimeSpan interval)
    {
        if (!CronSchedule.TryParse(cron, out var schedule, out var error)) e.Add(field, error);
        else if (schedule!.ShortestGap(interval) is { } gap)
            e.Add(field, $"This schedule runs {Every(gap)} apart; runs must be at least {Every(interval)} apart (Portal:Runs:MinimumInterval).");
    }

    private static string Every(TimeSpan t) =>
        t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? $"{t.TotalHours:0} hour{(t.TotalHours == 1 ? "" : "s")}"
        : t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes) ? $"{t.TotalMinutes:0} minute{(t.TotalMinutes == 1 ? "" : "s")}"
        : $"{t.TotalSeconds:0.###} second{(t.TotalSeconds == 1 ? "" : "s")}";

    private static void Check(FieldErrors e, string field, string? problem)
    {
        if (problem is not null) e.Add(field, problem);
    }

    internal static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
