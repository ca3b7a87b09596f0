namespace Portal.Infrastructure.Jobs;

using Portal.Core.Artifacts;
using Portal.Core.Connections;
using Portal.Core.Runs;
using Portal.Infrastructure.Artifacts;
using Portal.Infrastructure.Runs;
using Portal.Infrastructure.S3;

/// <summary>One run of an artifact sync: picks the schedule, checks its folders again, syncs and records.</summary>
public sealed class ArtifactRun(ArtifactSyncer syncer, ArtifactFolders folders, ConnectionCredentials credentials, S3ClientFactory clients, RunRecorder recorder)
{
    public async Task SyncAsync(Connection connection, Run run, string? scheduleName, CancellationToken ct)
    {
        var schedule = scheduleName is null && connection.Schedules.Count == 1
            ? connection.Schedules[0]
            : connection.Schedules.FirstOrDefault(s => s.Name == scheduleName)
              ?? throw new InvalidOperationException(scheduleName is null
                  ? $"Name the schedule to sync: {string.Join(", ", connection.Schedules.Select(s => s.Name))}."
                  : $"The connection has no schedule '{scheduleName}'.");
        var commands = schedule.Commands.OrderBy(c => c.Position).ToList();
        await recorder.StartAsync(run.Id, commands.Select(c => ArtifactLayout.CommandName(c.CommandId, c.Command)), ct);
        // The folders were checked when saved; a link or folder may have changed on the host since.
        foreach (var c in commands)
            if (folders.Problem(c.Folder) is { } problem) throw new InvalidOperationException(problem);
        var specs = commands.Select(c => new ArtifactCommandSpec(c.CommandId, c.Command, ArtifactFolders.Resolve(Path.IsPathRooted(c.Folder) ? c.Folder : Path.Combine(folders.Root, c.Folder)))).ToList();
        using var s3 = await clients.CreateForAsync(connection, credentials, ct);
        ArtifactSyncResult result;
        await using (var progress = new ProgressSaver(recorder, run.Id))
        {
            result = await syncer.SyncAsync(s3, connection, schedule.Name, specs, run.Id, run.StartedAt ?? DateTimeOffset.UtcNow, ct, progress.Report);
        }
        await recorder.SucceedAsync(run.Id, result, CancellationToken.None);
    }
}
