namespace Portal.Core.Connections;

/// <summary>What a connection delivers into its bucket.</summary>
public enum DeliveryKind
{
    Dump,
    StreamExport,
    ArtifactSync,
}
