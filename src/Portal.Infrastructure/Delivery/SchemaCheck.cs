namespace Portal.Infrastructure.Delivery;

using Portal.Core.Connections;
using Portal.Core.Formats;
using Portal.Core.Sources;
using Portal.Infrastructure.Sources;

/// <summary>
/// Before a stream export writes anything: reads the columns of each stream it delivers and compares them with the
/// schema the stream last delivered. Changes are noted in the run's log; when the connection fails runs on a removed
/// or retyped column, the run fails here, before any file is written and with every mark where it was.
/// </summary>
internal static class SchemaCheck
{
    /// <summary>A stream's columns for this run, how they changed, and whether its schema file is written again.</summary>
    internal sealed record StreamColumns(IReadOnlyList<SourceColumn> Columns, IReadOnlyList<SchemaChange> Changes, bool WriteFile);

    public static async Task<IReadOnlyDictionary<string, StreamColumns>> RunAsync(
        Connection connection, Source source, IEnumerable<ConnectionStream> streams, SourceReaderFactory sources, Action<RunNote> log, CancellationToken ct)
    {
        var found = new Dictionary<string, StreamColumns>(StringComparer.Ordinal);
        await using var reader = sources.Open(source);
        foreach (var stream in streams)
        {
            IReadOnlyList<SourceColumn> columns;
            try
            {
                columns = await reader.ColumnsAsync(stream.Table, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new RunStepException($"stream {stream.Name}: reading the columns of {stream.Table}", e);
            }
            var before = StreamSchema.Parse(stream.SchemaJson);
            var changes = StreamSchema.Compare(before, columns);
            found[stream.Name] = new StreamColumns(columns, changes, StreamSchema.FileChanged(before, columns) || stream.SchemaKey is null);
            if (changes.Count > 0) log(new RunNote(SchemaChangedNote, stream.Name, Sentence(changes)));
        }
        var breaking = found.Where(f => f.Value.Changes.Any(c => c.Breaking)).ToDictionary(f => f.Key, f => f.Value.Changes, StringComparer.Ordinal);
        if (connection.OnSchemaChange == SchemaChangePolicy.Fail && breaking.Count > 0)
        {
            var message = "The source's columns changed and the connection fails runs on a removed or retyped column: " +
                string.Join("; ", breaking.Select(b => $"{b.Key}: {string.Join(", ", b.Value.Where(c => c.Breaking).Select(c => c.Describe()))}")) +
                ". Nothing was written and no mark moved. Adapt the loaders, then set the connection to carry on (or restore the columns) and rerun.";
            throw new RunStepException(SchemaChangedException.Step, new SchemaChangedException(message,
                found.Where(f => f.Value.Changes.Count > 0).ToDictionary(f => f.Key, f => f.Value.Changes, StringComparer.Ordinal)));
        }
        return found;
    }

    /// <summary>The run event's kind when a stream's columns changed.</summary>
    public const string SchemaChangedNote = "SchemaChanged";

    public static string Sentence(IReadOnlyList<SchemaChange> changes)
    {
        var text = string.Join("; ", changes.Select(c => c.Describe()));
        return text.Length == 0 ? "" : char.ToUpperInvariant(text[0]) + text[1..] + ".";
    }
}
