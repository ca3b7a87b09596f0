namespace Portal.Core.Runs;

/// <summary>
/// The states of a run and the moves between them: queued → running → succeeded, failed or cancelled, and
/// queued → cancelled (a queued run cancelled before it started never runs). A finished run never changes
/// again, except that a run whose end was not recorded (its worker died) is reconciled from the bucket.
/// </summary>
public static class RunTransitions
{
    public static bool IsFinished(RunStatus status) => status is RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled;

    public static bool Allowed(RunStatus from, RunStatus to) => (from, to) switch
    {
        (RunStatus.Queued, RunStatus.Running) => true,
        (RunStatus.Queued, RunStatus.Cancelled) => true,
        (RunStatus.Running, RunStatus.Succeeded or RunStatus.Failed or RunStatus.Cancelled) => true,
        _ => false,
    };

    /// <summary>Why a run in <paramref name="status"/> cannot be cancelled; null when it can.</summary>
    public static string? CancelConflict(long id, RunStatus status) =>
        status is RunStatus.Queued or RunStatus.Running ? null : $"Run {id} is {status}: only a queued or running run can be cancelled.";

    /// <summary>Whether a failed run is tried again automatically: not when cancelled, and only while attempts are left.</summary>
    public static bool Retries(RunStatus ended, int attempt, int retries) => ended == RunStatus.Failed && attempt <= retries;
}
