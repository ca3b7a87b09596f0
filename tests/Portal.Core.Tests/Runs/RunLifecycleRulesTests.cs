namespace Portal.Core.Tests.Runs;

using CsCheck;
using Portal.Core.Receipts;
using Portal.Core.Runs;

public sealed class RunLifecycleRulesTests
{
    private static readonly Gen<long?> OptionalId = Gen.Bool.Select(Gen.Long[1, long.MaxValue], (has, id) => has ? id : (long?)null);

    [Theory]
    [InlineData(RunStatus.Queued, RunStatus.Running, true)]
    [InlineData(RunStatus.Queued, RunStatus.Cancelled, true)]
    [InlineData(RunStatus.Running, RunStatus.Succeeded, true)]
    [InlineData(RunStatus.Running, RunStatus.Failed, true)]
    [InlineData(RunStatus.Running, RunStatus.Cancelled, true)]
    [InlineData(RunStatus.Queued, RunStatus.Succeeded, false)]
    [InlineData(RunStatus.Succeeded, RunStatus.Failed, false)]
    [InlineData(RunStatus.Cancelled, RunStatus.Running, false)]
    [InlineData(RunStatus.Failed, RunStatus.Running, false)]
    public void A_run_moves_only_forward(RunStatus from, RunStatus to, bool allowed) => Assert.Equal(allowed, RunTransitions.Allowed(from, to));

    [Fact]
    public void Only_queued_and_running_runs_can_be_cancelled()
    {
        Assert.Null(RunTransitions.CancelConflict(1, RunStatus.Queued));
        Assert.Null(RunTransitions.CancelConflict(1, RunStatus.Running));
        Assert.Contains("Succeeded", RunTransitions.CancelConflict(7, RunStatus.Succeeded), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_run_is_never_retried_and_a_failed_one_while_attempts_are_left()
    {
        Assert.False(RunTransitions.Retries(RunStatus.Cancelled, 1, 3));
        Assert.True(RunTransitions.Retries(RunStatus.Failed, 1, 1));
        Assert.False(RunTransitions.Retries(RunStatus.Failed, 2, 1));
    }

    [Fact]
    public void A_ticket_survives_its_trip_through_a_trigger() =>
        Gen.Select(Gen.Enum<RunTrigger>(), OptionalId, Gen.Int[1, 10], OptionalId, Gen.String.Null()).Sample((trigger, run, attempt, previous, schedule) =>
        {
            var ticket = new RunTicket(trigger, run, attempt, previous, schedule);
            return RunTicket.Parse(ticket.ToJson()) == ticket;
        });

    [Fact]
    public void A_trigger_without_a_ticket_is_a_schedule()
    {
        Assert.Equal(new RunTicket(RunTrigger.Schedule), RunTicket.Parse(null));
        Assert.Equal(new RunTicket(RunTrigger.Schedule), RunTicket.Parse("not json"));
    }

    [Fact]
    public void The_next_attempt_follows_the_failed_one()
    {
        var failed = new Run { Id = 41, Trigger = RunTrigger.Rerun, Attempt = 2 };
        Assert.Equal(new RunTicket(RunTrigger.Rerun, null, 3, 41, "daily"), RunTicket.NextAttempt(failed, "daily"));
    }

    [Fact]
    public void Dump_folder_names_are_distinct_sorted_and_start_with_the_minute() =>
        Gen.DateTimeOffset.Sample(t =>
        {
            var names = DumpLayout.FolderNames(t).ToList();
            var minute = t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture);
            return names.Count == DumpLayout.MaxCandidates && names[0] == minute && names.Distinct().Count() == names.Count
                && names.All(n => n.StartsWith(minute, StringComparison.Ordinal)) && names.Zip(names.Skip(1)).All(p => string.CompareOrdinal(p.First, p.Second) < 0)
                && names.All(n => n.Length <= 22);
        });
}
