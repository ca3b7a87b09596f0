namespace Portal.Core.Runs;

/// <summary>What started a run.</summary>
public enum RunTrigger
{
    Schedule,
    Manual,
    Rerun,
}
