namespace Portal.Core.Connections;

/// <summary>A schedule of an artifact sync: a name (a folder in the bucket), a cron in UTC and its dbt commands in order.</summary>
public sealed class ArtifactSchedule
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ConnectionId { get; set; }

    public required string Name { get; set; }

    public required string Cron { get; set; }

    public int Position { get; set; }

    public List<ArtifactCommand> Commands { get; set; } = [];
}

/// <summary>One dbt command of a schedule and the folder on the worker host where its <c>target/</c> is produced.</summary>
public sealed class ArtifactCommand
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ScheduleId { get; set; }

    /// <summary>The command's numeric id, as in <c>47532_dbt_run</c>.</summary>
    public long CommandId { get; set; }

    public required string Command { get; set; }

    public required string Folder { get; set; }

    public int Position { get; set; }
}
