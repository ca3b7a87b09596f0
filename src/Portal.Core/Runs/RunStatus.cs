namespace Portal.Core.Runs;

/// <summary>Where a run is in its life.</summary>
public enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}
