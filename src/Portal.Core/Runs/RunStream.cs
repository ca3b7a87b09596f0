namespace Portal.Core.Runs;

/// <summary>Progress of one stream (or artifact command) within a run.</summary>
public sealed class RunStream
{
    public long Id { get; set; }

    public long RunId { get; set; }

    public required string Name { get; set; }

    public long Rows { get; set; }

    public int Parts { get; set; }

    public long Bytes { get; set; }
}
