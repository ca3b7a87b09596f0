namespace Portal.IntegrationTests;

using Portal.Tests.Shared;

/// <summary>One Ceph S3 server (and one SMTP server, for notifications) for every test that needs it in this run.</summary>
[CollectionDefinition(Name)]
public sealed class CephCollection : ICollectionFixture<CephServer>, ICollectionFixture<SmtpServer>
{
    public const string Name = "ceph";
}

/// <summary>One PostgreSQL server for every test that needs it in this run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
