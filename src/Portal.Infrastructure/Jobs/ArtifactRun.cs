namespace Portal.Infrastructure.Jobs;

using Portal.Core.Artifacts;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Artifacts;
using Portal.Infrastructure.S3;

/// <summary>One run of an artifact sync: picks the schedule, checks its folders again and syncs.</summary>
public sealed class ArtifactRun(ArtifactSyncer syncer, ArtifactFolders folders, ConnectionCredentials credentials, S3ClientFactory clients)
{
    /// <summary>The schedule a run syncs: the one named, or the only one.</summary>
    public static ArtifactSchedule ScheduleOf(Connection connection, string? scheduleName) =>
        scheduleName is null && connection.Schedules.Count == 1
            ? connection.Schedules[0]
            : connection.Schedules.FirstOrDefault(s => s.Name == scheduleName)
              ?? throw new InvalidOperationException(scheduleName is null
                  ? $"Name the schedule to sync: {string.Join(", ", connection.Schedules.Select(s => s.Name))}."
                  : $"The connection has no schedule '{scheduleName}'.");

    /// <summary>What the run's progress lists: one line per command.</summary>
    public static IEnumerable<string> CommandNames(ArtifactSchedule schedule) =>
        schedule.Commands.OrderBy(c => c.Position).Select(c => ArtifactLayout.CommandName(c.CommandId, c.Command));

    public async Task<ArtifactSyncResult> SyncAsync(Connection connection, Run run, ArtifactSchedule schedule, Action<Delivery.StreamProgress> progress, CancellationToken ct)
    {
        var commands = schedule.Commands.OrderBy(c => c.Position).ToList();
        // The folders were checked when saved; a link or folder may have changed on the host since.
        // Problem also checks target/ and its run_results.json, where a link could lead out of the root.
        foreach (var c in commands)
            if (folders.Problem(c.Folder) is { } problem) throw new InvalidOperationException(problem);
        var specs = commands.Select(c => new ArtifactCommandSpec(c.CommandId, c.Command, ArtifactFolders.Resolve(Path.IsPathRooted(c.Folder) ? c.Folder : Path.Combine(folders.Root, c.Folder)))).ToList();
        using var s3 = await clients.CreateForAsync(connection, credentials, ct);
        return await syncer.SyncAsync(s3, connection, schedule.Name, specs, run.Id, run.StartedAt ?? DateTimeOffset.UtcNow, ct, progress);
    }
}
