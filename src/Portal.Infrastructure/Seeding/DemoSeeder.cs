namespace Portal.Infrastructure.Seeding;

using Microsoft.EntityFrameworkCore;
using Portal.Core.Access;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Secrets;
using Portal.Core.Sources;
using Portal.Infrastructure.Persistence;
using Portal.Infrastructure.Secrets;
using Portal.Infrastructure.Users;

/// <summary>
/// A demo customer with a Chinook source, a connection to a local S3 endpoint, a second customer
/// (to show isolation) and one user per role. Runs once: an existing demo customer means done.
/// </summary>
public sealed class DemoSeeder(PortalDbContext db, UserAdminService userAdmin, ISecretProtector secrets)
{
    public const string CustomerName = "Demo Analytics";

    public const string ConnectionName = "chinook-dumps";

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

        var local = !string.IsNullOrEmpty(options.S3Endpoint);
        db.Connections.Add(new Connection
        {
            CustomerId = customer.Id,
            Name = ConnectionName,
            Kind = DeliveryKind.Dump,
            Bucket = options.Bucket,
            Region = "us-east-1",
            Prefix = "portal/",
            Endpoint = local ? options.S3Endpoint : null,
            ChecksumMode = local ? ChecksumPolicy.WhenRequired : ChecksumPolicy.WhenSupported,
            AuthMethod = local ? AuthMethod.AccessKey : AuthMethod.AssumeRole,
            RoleArn = local ? null : "arn:aws:iam::123456789012:role/portal-writer",
            ExternalId = ExternalIds.Create(),
            AccessKeyId = local ? options.S3AccessKey : null,
            SecretAccessKeyCipher = local && options.S3SecretKey is { } sk ? secrets.Protect(SecretKind.AccessKeySecret, sk) : null,
            SecretAccessKeyHint = local && options.S3SecretKey is { } hint ? SecretMask.HintOf(hint) : null,
            SourceId = source?.Id,
            Schedule = "0 3 * * *",
            Enabled = false,
            Streams = streams,
        });
        await db.SaveChangesAsync(cancellationToken);

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
}
