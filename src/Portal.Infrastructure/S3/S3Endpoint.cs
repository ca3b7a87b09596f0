namespace Portal.Infrastructure.S3;

using Portal.Core.Connections;

/// <summary>Where an S3 API lives: AWS in a region, or an S3-compatible store at a URL.</summary>
public sealed record S3Endpoint(string Region, string? ServiceUrl = null, ChecksumPolicy ChecksumMode = ChecksumPolicy.WhenSupported)
{
    /// <summary>The endpoint a connection writes to.</summary>
    public static S3Endpoint Of(Connection connection) =>
        new(connection.Region, connection.Endpoint, connection.ChecksumMode);
}
