namespace Portal.Core.Runs;

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    Schedule,
    Manual,
    Rerun,

    /// <summary>A one-off run of a cursor range <c>(from, to]</c> for chosen streams; it does not move their marks.</summary>
    Backfill,

    /// <summary>An exact redelivery of a past stream-export run: its own cursor ranges, written to the same keys.</summary>
    Redelivery,

    /// <summary>Completes a failed dump in its own folder: only the tables without a complete set of files, then the receipt.</summary>
    Resume,
}
