namespace Portal.Infrastructure.Seeding;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Runs;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;
using Portal.Infrastructure.Users;

/// <summary>
/// Demo data showing every kind of delivery: a demo customer with the Chinook source, a dump of every table, a stream
/// export of its invoices (cursor, parquet, a key template), an artifact sync of a dbt <c>target/</c> with two commands,
/// a connection to a bucket that does not exist yet (a failure for an operator to rerun), a week of past runs, a second
/// customer (to show isolation) and one user per role. Runs once: an existing demo customer means done.
/// </summary>
public sealed class DemoSeeder(PortalDbContext db, UserAdminService userAdmin, ISecretProtector secrets)
{
    public const string CustomerName = "Demo Analytics";

    public const string ConnectionName = "chinook-dumps";

    public const string ExportName = "invoices-export";

    public const string ArtifactsName = "dbt-artifacts";

    public const string FailingName = "lake-exports";

    public const string ArtifactSchedule = "daily_general";

    /// <summary>The demo export's key template: Hive-style by the invoice date (the stream's cursor).</summary>
    public const string ExportTemplate = "{stream_name}/year={cursor_year}/month={cursor_month}/{connection_run_id}_{part}.{extension}";

    /// <summary>Seeds and returns the created users' credentials, or none when the demo was already there.</summary>
    public async Task<IReadOnlyList<(string Email, string Role, string Password)>> SeedAsync(
        DemoOptions options, string dataDirectory, CancellationToken cancellationToken)
    {
        if (await db.Customers.AnyAsync(c => c.Name == CustomerName, cancellationToken)) return [];

        var customer = new Customer { Name = CustomerName };
        var other = new Customer { Name = "Globex Retail" };
        db.Customers.AddRange(customer, other);

        Source? source = null;
        List<ConnectionStream> streams = [];
        if (options.SourceFile is { } file && File.Exists(file))
        {
            var target = Path.Combine(dataDirectory, "sources", "chinook.sqlite");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            var connectionString = $"Data Source={target};Mode=ReadOnly";
            source = new Source
            {
                CustomerId = customer.Id,
                Name = "Chinook",
                Kind = SourceKind.Sqlite,
                ConnectionStringCipher = secrets.Protect(SecretKind.SourceConnectionString, connectionString),
                ConnectionStringHint = SecretMask.ConnectionStringHint(connectionString),
            };
            db.Sources.Add(source);
            // One stream per table, so "run now" delivers the whole sample database.
            await using var reader = new Sources.SqliteSourceReader(target);
            streams = (await reader.ListTablesAsync(cancellationToken))
                .Select((table, i) => new ConnectionStream { Name = table.ToLowerInvariant(), Table = table, Position = i }).ToList();
        }

        var dump = Connection(options, customer.Id, ConnectionName, DeliveryKind.Dump, options.Bucket, "portal/");
        dump.SourceId = source?.Id;
        dump.Schedule = "0 3 * * *";
        dump.Streams = streams;
        db.Connections.Add(dump);

        if (source is not null)
        {
            var export = Connection(options, customer.Id, ExportName, DeliveryKind.StreamExport, options.Bucket, "exports/");
            export.SourceId = source.Id;
            export.Schedule = "0 * * * *";
            export.Format = "parquet";
            export.Compression = "none";
            export.Template = ExportTemplate;
            export.Streams = [new ConnectionStream { Name = "invoices", Table = "Invoice", CursorColumn = "InvoiceDate", CursorKind = CursorKind.Timestamp }];
            db.Connections.Add(export);

            // A connection whose bucket does not exist: its first run fails with the cause, and a rerun succeeds once it is created.
            var failing = Connection(options, customer.Id, FailingName, DeliveryKind.StreamExport, options.MissingBucket, "lake/");
            failing.SourceId = source.Id;
            failing.Format = "jsonl";
            failing.Compression = "gzip";
            failing.Retries = 0;
            failing.Streams = [new ConnectionStream { Name = "tracks", Table = "Track" }];
            db.Connections.Add(failing);
        }

        if (options.DbtTargetFolder is { } dbt && Directory.Exists(dbt))
        {
            var artifacts = Connection(options, customer.Id, ArtifactsName, DeliveryKind.ArtifactSync, options.Bucket, "dbt/");
            artifacts.Schedules =
            [
                new ArtifactSchedule
                {
                    Name = ArtifactSchedule, Cron = "0 4 * * *",
                    Commands =
                    [
                        new ArtifactCommand { CommandId = 47531, Command = "dbt seed", Folder = CopyTarget(dbt, dataDirectory, "seed"), Position = 0 },
                        new ArtifactCommand { CommandId = 47532, Command = "dbt run", Folder = CopyTarget(dbt, dataDirectory, "run"), Position = 1 },
                    ],
                },
            ];
            db.Connections.Add(artifacts);
        }
        await db.SaveChangesAsync(cancellationToken);
        await HistoryAsync(options.HistoryDays, cancellationToken);

        var created = new List<(string, string, string)>();
        foreach (var (email, role) in new[]
        {
            ("admin@demo.local", Roles.Admin), ("success@demo.local", Roles.CustomerSuccess),
            ("operator@demo.local", Roles.Operator), ("customer@demo.local", Roles.Customer),
        })
        {
            var (_, password) = await userAdmin.CreateAsync(
                new NewUser(email, $"Demo {role}", role, role == Roles.Customer ? customer.Id : null), cancellationToken);
            created.Add((email, role, password));
        }
        return created;
    }

    /// <summary>
    /// Queues the first run of each demo connection (only into a local S3 endpoint): the dump, the export and the artifact
    /// sync deliver, and the failing connection fails for its missing bucket.
    /// </summary>
    public async Task<IReadOnlyList<(string Connection, long Run)>> QueueFirstRunsAsync(Runs.RunActions runs, CancellationToken cancellationToken)
    {
        var queued = new List<(string, long)>();
        var customer = await db.Customers.Where(c => c.Name == CustomerName).Select(c => c.Id).FirstOrDefaultAsync(cancellationToken);
        foreach (var name in new[] { ConnectionName, ExportName, ArtifactsName, FailingName })
        {
            var connection = await db.Connections.AsNoTracking().FirstOrDefaultAsync(c => c.Name == name && c.CustomerId == customer, cancellationToken);
            if (connection is null) continue;
            var run = await runs.RunNowAsync(connection.Id, connection.Kind == DeliveryKind.ArtifactSync ? ArtifactSchedule : null, cancellationToken);
            if (run is not null) queued.Add((name, run.Id));
        }
        return queued;
    }

    private Connection Connection(DemoOptions options, Guid customerId, string name, DeliveryKind kind, string bucket, string prefix)
    {
        var local = !string.IsNullOrEmpty(options.S3Endpoint);
        return new Connection
        {
            CustomerId = customerId,
            Name = name,
            Kind = kind,
            Bucket = bucket,
            Region = "us-east-1",
            Prefix = prefix,
            Endpoint = local ? options.S3Endpoint : null,
            ChecksumMode = local ? ChecksumPolicy.WhenRequired : ChecksumPolicy.WhenSupported,
            AuthMethod = local ? AuthMethod.AccessKey : AuthMethod.AssumeRole,
            RoleArn = local ? null : "arn:aws:iam::123456789012:role/portal-writer",
            ExternalId = ExternalIds.Create(),
            AccessKeyId = local ? options.S3AccessKey : null,
            SecretAccessKeyCipher = local && options.S3SecretKey is { } sk ? secrets.Protect(SecretKind.AccessKeySecret, sk) : null,
            SecretAccessKeyHint = local && options.S3SecretKey is { } hint ? SecretMask.HintOf(hint) : null,
            Enabled = local,
        };
    }

    // A command's folder under the artifacts root, holding a copy of the fixture's target/.
    private static string CopyTarget(string target, string dataDirectory, string command)
    {
        var folder = Path.Combine(dataDirectory, "artifacts", "demo", command);
        foreach (var file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(folder, "target", Path.GetRelativePath(target, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy, overwrite: true);
        }
        return folder;
    }

    /// <summary>
    /// Past runs of the demo's dump and export, one a day (a failure among them, resolved by the next day's success),
    /// recorded as history only: they name no objects, so nothing in the bucket is claimed for them.
    /// </summary>
    private async Task HistoryAsync(int days, CancellationToken cancellationToken)
    {
        if (days <= 0) return;
        var connections = await db.Connections.Where(c => c.Name == ConnectionName || c.Name == ExportName).ToListAsync(cancellationToken);
        var today = DateTimeOffset.UtcNow.Date;
        var random = new Random(42);
        foreach (var connection in connections)
        {
            for (var day = days; day >= 1; day--)
            {
                var start = new DateTimeOffset(today.AddDays(-day), TimeSpan.Zero).AddHours(connection.Kind == DeliveryKind.Dump ? 3 : 9);
                var failed = connection.Kind == DeliveryKind.Dump && day == Math.Max(1, days - 2);
                var rows = connection.Kind == DeliveryKind.Dump ? 15_600 + day : 40 + random.Next(20);
                db.Runs.Add(new Run
                {
                    ConnectionId = connection.Id, CustomerId = connection.CustomerId, Kind = connection.Kind, Trigger = RunTrigger.Schedule,
                    Status = failed ? RunStatus.Failed : RunStatus.Succeeded, Resolved = failed,
                    QueuedAt = start, StartedAt = start.AddSeconds(1), FinishedAt = start.AddSeconds(4 + random.Next(20)),
                    Rows = failed ? 0 : rows, Bytes = failed ? 0 : rows * (connection.Kind == DeliveryKind.Dump ? 58L : 310L), Parts = failed ? 0 : 11,
                    Error = failed ? "Writing invoiceline failed: The S3 server did not answer in time (demo history)." : null,
                    ErrorStep = failed ? "upload" : null, Node = "demo-history",
                });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
