namespace Portal.Infrastructure.Artifacts;

/// <summary>One dbt command of a schedule: its numeric id, the command line, and the folder holding its <c>target/</c>.</summary>
public sealed record ArtifactCommandSpec(long Id, string Command, string Folder);

/// <summary>What one command's sync wrote.</summary>
public sealed record ArtifactCommandResult(long Id, string Command, int Files, long Bytes, int Uploaded, Portal.Core.Artifacts.RunResultsSummary Results)
{
    /// <summary>The files written to the run's archive folder, with their sizes and SHA-256 (for the run manifest).</summary>
    public IReadOnlyList<Portal.Core.Parts.PartFile> Archived { get; init; } = [];
}

/// <summary>What a schedule's sync wrote: the archive folder now in <c>current/</c> and each command.</summary>
public sealed record ArtifactSyncResult(string ArchiveFolder, IReadOnlyList<ArtifactCommandResult> Commands, int Deleted, string PointerKey);
