namespace Portal.Infrastructure.Persistence;

using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portal.Core.Access;
using Portal.Core.Audit;
using Portal.Core.Connections;
using Portal.Core.Customers;
using Portal.Core.Notifications;
using Portal.Core.Runs;
using Portal.Core.Sources;
using Portal.Infrastructure.Actors;
using Portal.Infrastructure.Identity;

/// <summary>
/// The portal's state. Tenant isolation is a global query filter on every customer-owned set, so a
/// query written anywhere is confined to what the current actor may see. Each provider has a
/// subclass that owns its migrations (<see cref="SqlitePortalDbContext"/>, <see cref="PostgresPortalDbContext"/>).
/// </summary>
public abstract class PortalDbContext : IdentityDbContext<PortalUser, IdentityRole, string>, IDataProtectionKeyContext
{
    private readonly ICurrentActor _actor;

    protected PortalDbContext(DbContextOptions options, ICurrentActor actor) : base(options)
    {
        _actor = actor;
    }

    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Source> Sources => Set<Source>();
    public DbSet<Connection> Connections => Set<Connection>();
    public DbSet<ConnectionStream> ConnectionStreams => Set<ConnectionStream>();
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<RunStream> RunStreams => Set<RunStream>();
    public DbSet<PendingAbort> PendingAborts => Set<PendingAbort>();
    public DbSet<RunEvent> RunEvents => Set<RunEvent>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<NotificationChannel> NotificationChannels => Set<NotificationChannel>();
    public DbSet<NotificationRule> NotificationRules => Set<NotificationRule>();
    public DbSet<OutboxEvent> OutboxEvents => Set<OutboxEvent>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<NotificationAttempt> NotificationAttempts => Set<NotificationAttempt>();

    // Read by the query filters on every query; EF parameterises members of the context.
    public bool SeesAllCustomers => _actor.Access.AllCustomers;
    internal Guid? VisibleCustomerId => _actor.Access.CustomerId;

    internal ICurrentActor Actor => _actor;

    /// <summary>The name of the tenant filter on connections.</summary>
    public const string TenantFilter = "Tenant";

    /// <summary>The name of the filter that hides archived (deleted) connections.</summary>
    public const string LiveFilter = "Live";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);

        builder.Entity<Customer>().HasQueryFilter(c => SeesAllCustomers || c.Id == VisibleCustomerId);
        builder.Entity<Source>().HasQueryFilter(s => SeesAllCustomers || s.CustomerId == VisibleCustomerId);
        builder.Entity<Connection>().HasQueryFilter(TenantFilter, c => SeesAllCustomers || c.CustomerId == VisibleCustomerId);
        // A deleted connection is archived: gone from every list and lookup, but its runs still name it (IgnoreQueryFilters([LiveFilter])).
        builder.Entity<Connection>().HasQueryFilter(LiveFilter, c => c.ArchivedAt == null);
        builder.Entity<Run>().HasQueryFilter(r => SeesAllCustomers || r.CustomerId == VisibleCustomerId);
        builder.Entity<AuditEntry>().HasQueryFilter(a => SeesAllCustomers || a.CustomerId == VisibleCustomerId);
        // A customer sees its own channels, their rules and their log; staff channels (no customer) are staff's alone.
        builder.Entity<NotificationChannel>().HasQueryFilter(c => SeesAllCustomers || c.CustomerId == VisibleCustomerId);
        builder.Entity<NotificationRule>().HasQueryFilter(r => SeesAllCustomers || NotificationChannels.Any(c => c.Id == r.ChannelId && c.CustomerId == VisibleCustomerId));
        builder.Entity<Notification>().HasQueryFilter(n => SeesAllCustomers || n.CustomerId == VisibleCustomerId);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in SQL and stable when members are reordered.
        configurationBuilder.Properties<DeliveryKind>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<AuthMethod>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<ChecksumPolicy>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<SchemaChangePolicy>().HaveConversion<string>().HaveMaxLength(16);
        configurationBuilder.Properties<RunStatus>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<RunTrigger>().HaveConversion<string>().HaveMaxLength(32);
        configurationBuilder.Properties<SourceKind>().HaveConversion<string>().HaveMaxLength(32);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        AuditTrail.Record(this);
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        AuditTrail.Record(this);
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }
}
