namespace Portal.Core.Connections;

/// <summary>
/// When the S3 client adds integrity checksums. AWS accepts the SDK's default trailing CRC32;
/// several S3-compatible stores (Ceph RGW among them) reject it, so it is set per endpoint.
/// </summary>
public enum ChecksumPolicy
{
    WhenSupported,
    WhenRequired,
}
